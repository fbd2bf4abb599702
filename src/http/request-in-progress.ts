/**
 * The request a connection is receiving, for the answer Node's parser errors get (client-error.ts):
 * a 408 comes with no bytes to read, but when the headers had arrived (a body that never
 * finished), they say in which language, and in which shape (an OAuth endpoint's), to answer.
 * Only what that answer needs is kept (the request itself only weakly: its body and its
 * Authorization live no longer than it does), only for a request that has a body to wait for (one
 * without is complete with its headers), by socket: one WeakMap entry, replaced by the socket's
 * next such request, gone with the socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyContextConfig, FastifyRequest } from 'fastify';

export interface RequestInProgress {
  acceptLanguage: string | undefined;
  /** The path as sent, for the answer's `instance`. */
  path: string;
  config: FastifyContextConfig;
}

const current = new WeakMap<Socket, { raw: WeakRef<IncomingMessage>; seen: RequestInProgress }>();

export function rememberRequest(request: FastifyRequest): void {
  const h = request.headers;
  if (h['content-length'] === undefined && h['transfer-encoding'] === undefined) return;
  current.set(request.raw.socket, {
    raw: new WeakRef(request.raw),
    seen: { acceptLanguage: h['accept-language'], path: request.url.split('?')[0] ?? '/', config: request.routeOptions.config },
  });
}

/** What the request whose body this socket has not finished receiving said, if any. */
export function requestInProgress(socket: Socket): RequestInProgress | undefined {
  const entry = current.get(socket);
  const raw = entry?.raw.deref();
  return raw && !raw.complete ? entry?.seen : undefined;
}
