/**
 * The static mounts — the web pages' assets under /web/ (routes/web-routes.ts), Swagger UI's
 * under /docs/static/ and the files @fastify/swagger-ui serves under /docs/ (openapi.ts) — answer
 * a path they will not serve in one way, whichever plugin serves it:
 *
 * - a path that climbs out of the mount (a `..` segment), names a hidden file (a name starting
 *   with `.`) or is not in plain form (a `.` segment, an empty one, a backslash) is 403
 *   `path_forbidden`, its detail naming the mount;
 * - any other path @fastify/static or `send` refuses is a file that is not there: 404
 *   `not_found`, as a missing file answers (the app's not-found answer). @fastify/static
 *   refuses with a bare 403 (`FST_STATIC_FORBIDDEN_PATH`) a name it could not check: its
 *   spelling check stats the path, and a name longer than a file name can be (over 255 bytes)
 *   fails with ENAMETOOLONG, which it does not tell from an unreadable directory; `send` refuses a
 *   directory with a bare 403 (`ForbiddenError`, `/web/chunks/`).
 *
 * The first is checked by a hook each mount's scope registers (refuseStaticPaths), before the
 * plugin touches the file system: Swagger UI's @fastify/static allows dot files (the plugin's
 * default), so only the hook keeps them unserved there. What a plugin still refuses reaches the
 * app's error handler (error-handler.ts: staticRefusal), which sorts it by the same rule.
 *
 * A mount is a wildcard route (`/web/*`), its prefix the route's URL without the `*`; the path
 * judged is the `*` parameter, which the router has decoded once, as `send` decodes it
 * (`..%2f..%2fpackage.json` is `../../package.json`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appError, isAppError, type AppError } from '../errors.js';

type ForbiddenShape = 'climbs' | 'not_plain' | 'hidden';

/** Why a path under a mount is refused, if it is: its segments split at `/` and `\` as `send` splits them. */
function forbiddenShape(path: string): ForbiddenShape | undefined {
  const segments = path.split(/[\\/]/);
  if (segments.includes('..')) return 'climbs';
  // A trailing slash leaves one empty segment at the end: a directory, which is not found, not refused.
  if (path.includes('\\') || segments.includes('.') || segments.slice(0, -1).includes('')) return 'not_plain';
  if (segments.some((s) => s.startsWith('.'))) return 'hidden';
  return undefined;
}

/** The refusal's sentence in each language, naming the mount (our own prefix, never what was sent). */
const WORDS: Record<ForbiddenShape, (mount: string) => { en: string; ko: string }> = {
  climbs: (mount) => ({
    en: `this path climbs out of ${mount} with ..: only the files under ${mount} are served`,
    ko: `${mount} 밖으로 벗어나는(..) 경로에는 접근할 수 없습니다.`,
  }),
  hidden: (mount) => ({
    en: `this path names a hidden file (a name starting with .): hidden files under ${mount} are not served`,
    ko: `${mount} 아래의 숨김 파일(이름이 점으로 시작하는 파일)에는 접근할 수 없습니다.`,
  }),
  not_plain: (mount) => ({
    en: `this path has a . segment, an empty segment or a backslash: ask for a file under ${mount} by its plain path`,
    ko: `점(.) 하나뿐이거나 비어 있는 경로 조각, 또는 역슬래시(\\)가 들어간 경로에는 접근할 수 없습니다. ${mount} 아래의 파일은 있는 그대로의 경로로 요청하십시오.`,
  }),
};

/** The mount a request was routed to (`/web/` for the route `/web/*`) and the path under it; none off a wildcard route. */
function mountOf(request: FastifyRequest): { mount: string; path: string } | undefined {
  const url = request.routeOptions.url;
  const path = (request.params as Record<string, unknown> | undefined)?.['*'];
  if (typeof url !== 'string' || !url.endsWith('*') || typeof path !== 'string') return undefined;
  return { mount: url.slice(0, -1), path };
}

/** 403 `path_forbidden` for a path of a forbidden shape under its mount, with a Korean sentence naming that mount. */
function forbiddenStaticPath(request: FastifyRequest): AppError | undefined {
  const at = mountOf(request);
  const shape = at && forbiddenShape(at.path);
  if (!at || !shape) return undefined;
  const { en, ko } = WORDS[shape](at.mount);
  return appError(403, 'path_forbidden', en, undefined, ko);
}

/**
 * Refuses a path of a forbidden shape under every wildcard route of this scope, before its
 * handler runs. Register it in the scope that registers the static plugin, before it.
 */
export function refuseStaticPaths(scope: FastifyInstance): void {
  // A callback hook, like the NUL guard's: an async one costs a promise on every request.
  scope.addHook('onRequest', (request, _reply, done) => {
    done(forbiddenStaticPath(request));
  });
}

/**
 * A bare 403 of @fastify/static (`FST_STATIC_FORBIDDEN_PATH`) or of `send` (http-errors'
 * `ForbiddenError`, no code): matched by code, name and status, never by message.
 */
function isStaticPluginRefusal(err: unknown): boolean {
  if (isAppError(err) || typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; name?: unknown; status?: unknown; statusCode?: unknown };
  if (e.code === 'FST_STATIC_FORBIDDEN_PATH') return true;
  return e.code === undefined && e.name === 'ForbiddenError' && e.status === 403 && e.statusCode === 403;
}

/**
 * What a static plugin's refusal means (for the app's error handler): `path_forbidden` for a path
 * of a forbidden shape, `'missing'` for any other (a name too long to exist, a directory: the
 * not-found answer); undefined for an error that is no such refusal.
 */
export function staticRefusal(err: unknown, request: FastifyRequest): AppError | 'missing' | undefined {
  if (!isStaticPluginRefusal(err) || !mountOf(request)) return undefined;
  return forbiddenStaticPath(request) ?? 'missing';
}
