import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

/** How long and how much of an unread body is read and dropped after an early answer. */
export const LINGER_MS = 5_000;
export const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Lingering close, as nginx does it (lingering_timeout, lingering_time): Fastify answers a body it
 * refuses while reading it (over the route's limit, RFC 9110 §15.5.14) with `Connection: close`
 * and Node then closes the socket at once. A client still writing the body gets EPIPE or
 * ECONNRESET, and whether it has read our 413 first is a race it often loses (the kernel resets
 * a connection that receives data after close). So a 4xx answered before the body was read keeps
 * the connection: Node reads the rest of the body into nothing and the next request may follow.
 *
 * Any answer sent before its body was read (a 401 before the body, a 429 at preParsing, the 413)
 * gets the same bound: at most LINGER_MAX_BYTES more, for at most LINGER_MS, then the socket
 * is destroyed — a client that declares 60 GB cannot hold a connection or the CPU for it.
 * Hand-written because neither Fastify nor Node bounds what is read after the answer.
 */
export function installLingeringRefusals(app: FastifyInstance): void {
  // A callback hook: it runs on every answer, and an async one costs a promise each (issue 22).
  app.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw;
    // Injected requests (light-my-request) have no socket to read from or cut. (raw.destroyed says
    // only that the request stream is done, as it is after a body read to its end.)
    if (raw.socket instanceof Socket && !raw.socket.destroyed) {
      // Fastify closes after a body it read whole and refused too (json_too_deep, form_too_wide):
      // the framing is intact there, so the connection may serve the client's next request.
      if (reply.statusCode >= 400 && reply.statusCode < 500 && reply.getHeader('connection') === 'close') reply.removeHeader('connection');
      // Counted here, before the answer is written: once it is, Node dumps the body and drops every
      // 'data' listener (IncomingMessage._dump), and a listener added before keeps it from dumping.
      if (!raw.complete) boundUnreadBody(raw);
    }
    done(null, payload);
  });
}

function boundUnreadBody(raw: IncomingMessage): void {
  let left = LINGER_MAX_BYTES;
  const cut = () => {
    done();
    raw.socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) cut();
  };
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  const done = () => {
    clearTimeout(timer);
    raw.off('data', onData);
    raw.off('end', done);
    raw.off('close', done);
  };
  raw.on('data', onData);
  raw.once('end', done);
  raw.once('close', done);
}
