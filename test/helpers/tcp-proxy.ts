/**
 * A TCP proxy a test can cut and restore: the service talks to PostgreSQL through it, so a test
 * can take "the database" away from one service without stopping the machine's cluster that
 * other suites share. cut() behaves like a stopped server: open connections are reset, new
 * ones are refused (the listener closes); restore() listens again on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const make = (): Server =>
    createServer((client) => {
      track(client);
      const upstream = connect(target.port, target.host);
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  let server: Server | undefined = make();
  const port = await listen(server, 0);
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.resetAndDestroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  return {
    port,
    cut,
    restore: async () => {
      if (server) return;
      const s = make();
      await listen(s, port);
      server = s;
    },
    close: cut,
  };
}
