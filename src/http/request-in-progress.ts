/**
 * The request a connection is receiving, for the answer Node's parser errors get (client-error.ts):
 * a 408 comes with no bytes to read, but when the headers had arrived (a body that never
 * finished), the request they made says in which language, and in which shape (an OAuth
 * endpoint's), to answer. Remembered by socket when Fastify has the request (onRequest): one
 * WeakMap entry a socket, replaced by its next request, gone with the socket.
 */
import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';

const current = new WeakMap<Socket, FastifyRequest>();

export const rememberRequest = (request: FastifyRequest): void => {
  current.set(request.raw.socket, request);
};

/** The request whose body this socket has not finished receiving, if any. */
export function requestInProgress(socket: Socket): FastifyRequest | undefined {
  const request = current.get(socket);
  return request && !request.raw.complete ? request : undefined;
}
