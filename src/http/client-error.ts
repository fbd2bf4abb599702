import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ErrorCode } from '../errors.js';
import { acceptLanguageIn, http1Bytes, rawProblem } from './raw-problem.js';
import { requestInProgress } from './request-in-progress.js';
import { routeTableOf } from './route-table.js';

/**
 * Requests Node's HTTP parser refuses before Fastify sees a request: headers or a request line
 * past the header size (431), bytes that are not HTTP (400), a client too slow to send its
 * request (408). Fastify's default answer is its own JSON (`{"error","message","statusCode"}`);
 * SECURITY.md "HTTP" wants every refusal as problem+json with a stable code. There is no route
 * and no request object here, only the socket, so the answer is written by hand as Node and
 * Fastify do, and the connection is closed: the parser cannot tell where the next request starts.
 * In Korean when the refused bytes (`err.rawPacket`) carry an Accept-Language preferring it, as
 * every other refusal (raw-problem.ts). A 408 has no bytes to read: where its headers had
 * arrived (a body too slow), the request they made gives the language and, on an OAuth
 * endpoint, the OAuth shape (request-in-progress.ts); a request slow in its headers is
 * answered in English problem+json.
 */
const REFUSALS: Record<'431' | '408' | '400', { code: ErrorCode; detail: string }> = {
  '431': {
    code: 'headers_too_large',
    detail: 'the request line and headers are larger than this service accepts (a long query string or cookie?)',
  },
  '408': { code: 'request_timeout', detail: 'the request did not arrive in time; send it again' },
  '400': { code: 'malformed_http', detail: 'the request is not well-formed HTTP/1.1 (request line, header or chunk framing)' },
};

/** The method and target of the request line the refused bytes begin with, when it is whole. */
function requestLineOf(rawPacket: unknown): { method: string; target: string } | undefined {
  if (!Buffer.isBuffer(rawPacket)) return undefined;
  const m = /^([A-Z]{1,16}) (\/[^ \r\n]{0,8192}) HTTP\/1\.[01]\r?\n/.exec(rawPacket.subarray(0, 8300).toString('latin1'));
  return m ? { method: m[1]!, target: m[2]! } : undefined;
}

export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  // A reset connection has no one to answer (Node's own handler does the same).
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408' : err.code === 'HPE_HEADER_OVERFLOW' ? '431' : '400';
  const { code, detail } = REFUSALS[status];
  // The parser's own message names the fault (HPE_INVALID_HEADER_TOKEN, …); it says nothing of the caller's data.
  this.log.info({ code, status: Number(status), parserError: err.code }, 'request refused by the HTTP parser');
  // Written only when nothing has been sent on this socket yet: a fault in a later pipelined request must not
  // splice an answer into one still being written.
  if (socket.writable && socket.bytesWritten === 0) {
    const request = status === '408' ? requestInProgress(socket) : undefined;
    // 431 and 400: where the refused bytes begin with a whole request line, the route it names
    // gives the shape (an OAuth endpoint answers as OAuth, route-shape.ts).
    const line = request ? undefined : requestLineOf(err.rawPacket);
    const answer = request
      ? rawProblem(408, code, detail, { acceptLanguage: request.acceptLanguage, instance: request.path, route: request.config })
      : rawProblem(Number(status), code, detail, {
          acceptLanguage: acceptLanguageIn(err.rawPacket),
          ...(line && { instance: line.target.split('?')[0]!, route: routeTableOf(this)?.routeFor(line.method, line.target)?.config }),
        });
    socket.write(http1Bytes(answer));
  }
  socket.destroy();
}
