/**
 * Two requests Node answers itself, before Fastify routes them, outside our error shape:
 *
 * - CONNECT (RFC 9110 §9.3.6): without a 'connect' listener Node destroys the socket and the
 *   client gets no answer at all. This service is not a proxy and no route takes CONNECT:
 *   405 `method_not_allowed` (RFC 9110 §15.5.6), with `Allow` naming the methods the path takes
 *   as for any other method a path does not take (empty for a target that is no path of ours).
 * - An Expect other than 100-continue (RFC 9110 §10.1.1: a server MAY answer 417): without a
 *   'checkExpectation' listener Node answers a bare 417 with an empty body. Answered 417
 *   `expectation_failed` instead. The connection is closed: the client may or may not send the
 *   body it announced, so nothing on the connection after the headers can be trusted to start
 *   the next request (RFC 9112 §9.3).
 *
 * Both in the reader's language, in problem+json, or in OAuth's shape where the refused request
 * names an OAuth endpoint (raw-problem.ts). Paths are read as the routes read them: under a
 * PUBLIC_URL path (public-path.ts) `/dp/oauth/token` is the token endpoint.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { http1Bytes, rawProblem } from './raw-problem.js';
import type { RouteTable } from './route-table.js';

/** How long a refused CONNECT's socket may take to take its answer before it is cut. */
const CONNECT_ANSWER_MS = 5_000;

const pathOf = (url: string): string => url.split('?')[0] ?? '';

export function installRawRefusals(app: FastifyInstance, routes: RouteTable, routeUrl: (url: string) => string): void {
  app.server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    // Node hands the socket over without its own error listener: a reset must not crash the process.
    socket.on('error', () => socket.destroy());
    // The target as sent (its instance), and as the routes read it (its Allow).
    const path = pathOf(req.url ?? '');
    const allowed = path.startsWith('/') ? routes.allowedMethods(pathOf(routeUrl(path))) : [];
    app.log.info({ code: 'method_not_allowed', status: 405, method: 'CONNECT' }, 'request refused');
    const answer = rawProblem(
      405,
      'method_not_allowed',
      allowed.length > 0 ? `CONNECT is not allowed here; use ${allowed.join(', ')}` : 'CONNECT is not allowed: this service is not a proxy',
      {
        acceptLanguage: req.headers['accept-language'],
        ...(path.startsWith('/') && { instance: path }),
        headers: { allow: allowed.join(', ') },
      },
    );
    const cut = setTimeout(() => socket.destroy(), CONNECT_ANSWER_MS);
    cut.unref();
    socket.end(http1Bytes(answer), () => {
      clearTimeout(cut);
      socket.destroy();
    });
  });

  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    app.log.info({ code: 'expectation_failed', status: 417 }, 'request refused');
    const path = pathOf(req.url ?? '');
    const answer = rawProblem(
      417,
      'expectation_failed',
      'this service meets no expectation but 100-continue; send the request without Expect',
      {
        acceptLanguage: req.headers['accept-language'],
        instance: path,
        route: routes.routeFor(req.method ?? 'GET', path)?.config,
      },
    );
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
}
