/**
 * The web pages' build, for TypeScript callers (the browser tests): it lives in build.js with the
 * server's, which `npm run build`, `npm start` and `npm install` run.
 */
export { buildWeb, PAGES, WEB_DIST, WEB_SRC } from './build.js';
