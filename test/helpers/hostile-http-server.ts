/**
 * A local HTTP server that answers some paths normally and others with bodies that never end:
 * `chunked` (no content-length), `declared` (content-length 64 MiB, then the bytes), `gzip`
 * (content-encoding gzip over endless zeros). It counts what it wrote to each request and when
 * the client closed the connection, so a test can see that a fetch stopped at its cap.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip } from 'node:zlib';

export type EndlessMode = 'chunked' | 'declared' | 'gzip';
export type Route = { json: unknown } | { text: string; type: string } | { endless: EndlessMode };

export interface Served {
  path: string;
  /** Body bytes handed to the socket (for gzip: bytes before compression). */
  written: number;
  /** Resolves with `written` when the client closed the connection. */
  closed: Promise<number>;
}

/** A safety stop: a client that never aborts gets this much and then the end of the body. */
const SAFETY_LIMIT = 256 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

export interface HostileServer {
  url: string;
  routes: Map<string, Route>;
  served: Served[];
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const routes = new Map<string, Route>();
  const served: Served[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes.get(path);
    if (!route) return void res.writeHead(404).end();
    if ('json' in route) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route.json));
    if ('text' in route) return void res.writeHead(200, { 'content-type': route.type }).end(route.text);
    served.push(pump(path, route.endless, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routes,
    served,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function pump(path: string, mode: EndlessMode, res: ServerResponse): Served {
  const entry: Served = { path, written: 0, closed: Promise.resolve(0) };
  let closed = false;
  entry.closed = new Promise<number>((r) =>
    res.on('close', () => {
      closed = true;
      r(entry.written);
    }),
  );
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (mode === 'declared') headers['content-length'] = String(64 * 1024 * 1024);
  if (mode === 'gzip') headers['content-encoding'] = 'gzip';
  res.writeHead(200, headers);
  const sink = mode === 'gzip' ? createGzip() : res;
  if (mode === 'gzip') (sink as ReturnType<typeof createGzip>).pipe(res);
  res.on('error', () => {});
  sink.on('error', () => {});
  const limit = mode === 'declared' ? 64 * 1024 * 1024 : SAFETY_LIMIT;
  const next = () => {
    while (!closed && entry.written < limit) {
      entry.written += CHUNK.length;
      if (!sink.write(CHUNK)) return void sink.once('drain', next);
    }
    if (!closed) sink.end();
  };
  next();
  return entry;
}
