/**
 * The full-flow load generator's HTTP client: node:http over keep-alive sockets, nothing else.
 * `fetch` costs the generator several times more CPU per request, and the generator shares the
 * machine's two cores with the server it measures.
 */
import { Agent, request } from 'node:http';

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpClient {
  /** `path` is absolute on the client's origin; a full URL on the same origin is accepted too. */
  send(method: 'GET' | 'POST', path: string, headers?: Record<string, string>, body?: string): Promise<HttpAnswer>;
  close(): void;
}

export function httpClient(origin: string, sockets: number): HttpClient {
  const base = new URL(origin);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  return {
    send: (method, path, headers = {}, body) =>
      new Promise<HttpAnswer>((resolve, reject) => {
        const target = path.startsWith('http') ? new URL(path) : undefined;
        if (target && target.origin !== base.origin) {
          reject(new Error(`${path} is not on ${base.origin}`));
          return;
        }
        const req = request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            method,
            path: target ? `${target.pathname}${target.search}` : path,
            headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
