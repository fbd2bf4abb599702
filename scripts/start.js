/**
 * `npm start`: builds what is stale (esbuild, about a second; nothing on a built checkout) and runs
 * the compiled server in this same process, so the node flags `npm start` passes reach it.
 * Plain JavaScript so that no TypeScript loader starts first (see build.js).
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { buildIfStale, SERVER_DIST } from './build.js';

const started = Date.now();
const built = await buildIfStale({ quiet: true });
if (built.length) process.stderr.write(`built ${built.join(' and ')} into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
const server = join(SERVER_DIST, 'server.js');
// server.js runs its main() when it is the process's entry: make it so.
process.argv[1] = server;
await import(pathToFileURL(server).href);
