/**
 * Builds what `npm start`, `npx dproof` and the tests run: the server and CLI (src/ → dist/src/,
 * esbuild file by file, ESM, the same layout tsc would write) and the web pages (src/web/ →
 * dist/web/, one minified bundle per page). Each half is rebuilt only when a source is newer than
 * its stamp, so a start on a built checkout skips straight to the server. The type check is not
 * here: it is `npm run typecheck` (and `npm test`'s first step), which tsc does well and slowly.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled, with node alone (no tsx), so
 * `npm start` and `npx dproof` pay no TypeScript loader. Types for its callers: build.d.ts.
 *
 * Usage: node scripts/build.js [--force] [--web | --server]
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
export const WEB_SRC = join(ROOT, 'src', 'web');
export const WEB_DIST = join(ROOT, 'dist', 'web');
export const SERVER_DIST = join(ROOT, 'dist', 'src');
export const PAGES = /** @type {const} */ (['wallet', 'verifier', 'console']);

const SERVER_STAMP = join(ROOT, 'dist', '.compiled');
const WEB_STAMP = join(WEB_DIST, '.built');
const THIS_FILE = fileURLToPath(import.meta.url);
const SERVER_INPUTS = [join(ROOT, 'src'), join(ROOT, 'package-lock.json'), THIS_FILE];
// The pages also bundle the pure modules they import from outside src/web (DESIGN.md: formats,
// holder, verdict): a change there makes the pages stale too.
const WEB_INPUTS = [
  WEB_SRC,
  ...['formats', 'holder', 'verdict'].map((d) => join(ROOT, 'src', d)),
  join(ROOT, 'package-lock.json'),
  THIS_FILE,
];

/** @param {string} dir @returns {string[]} */
const serverSources = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return p === WEB_SRC ? [] : serverSources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });

/** Newest modification time under `path`; `skip` leaves one folder out. @param {string} path @param {string} [skip] @returns {number} */
function newestMtime(path, skip) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path)
    .map((name) => join(path, name))
    .filter((p) => p !== skip)
    .reduce((max, p) => Math.max(max, newestMtime(p, skip)), s.mtimeMs);
}

/** @param {string} stamp @param {string[]} inputs @param {string} [skip] */
function isStale(stamp, inputs, skip) {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return inputs.some((p) => existsSync(p) && newestMtime(p, skip) > built);
}

export const serverIsStale = () => !existsSync(join(SERVER_DIST, 'server.js')) || isStale(SERVER_STAMP, SERVER_INPUTS, WEB_SRC);
export const webIsStale = () => existsSync(WEB_SRC) && isStale(WEB_STAMP, WEB_INPUTS);

/** src/ → dist/src/, file by file (no bundling: the layout stays the one the code's paths expect). */
export async function compileServer() {
  const { build } = await import('esbuild');
  // esbuild only adds files: clear the old output so a moved or deleted source leaves no module behind.
  rmSync(SERVER_DIST, { recursive: true, force: true });
  await build({
    entryPoints: serverSources(join(ROOT, 'src')),
    outbase: ROOT,
    outdir: join(ROOT, 'dist'),
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'error',
  });
  writeFileSync(SERVER_STAMP, `${new Date().toISOString()}\n`);
}

/** src/web/ → dist/web/: one bundle per page, the HTML shells and the shared stylesheet. @param {{ quiet?: boolean }} [opts] */
export async function buildWeb(opts = {}) {
  const { build } = await import('esbuild');
  rmSync(WEB_DIST, { recursive: true, force: true });
  mkdirSync(WEB_DIST, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(PAGES.map((p) => [p, join(WEB_SRC, p, 'main.ts')])),
    outdir: WEB_DIST,
    bundle: true,
    format: 'esm',
    // Code loaded only on some paths (the web wallet's X.509 certificate reader, @peculiar/x509) is
    // a dynamic import(): its own chunk under chunks/, fetched when first needed.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: opts.quiet ? 'error' : 'warning',
    // Nothing may reach for Node built-ins: a bundle that needs one is a mistake, not a polyfill.
    external: [],
    // cbor-x (under @owf/mdoc, the web wallet's mdoc CBOR) probes `new Function` at load and compiles
    // readers with it; the pages' Trusted Types policy forbids that. Its no-eval build does neither.
    alias: { 'cbor-x': 'cbor-x/index-no-eval' },
  });
  for (const f of readdirSync(join(WEB_SRC, 'pages'))) copyFileSync(join(WEB_SRC, 'pages', f), join(WEB_DIST, f));
  copyFileSync(join(WEB_SRC, 'shared', 'app.css'), join(WEB_DIST, 'app.css'));
  writeFileSync(WEB_STAMP, `${new Date().toISOString()}\n`);
}

/**
 * Builds each half that is missing or older than its sources (`force`: both). Resolves to what it
 * built. A checkout without src/ (the production image) or without esbuild (installed with
 * --omit=dev) has nothing to build and runs what dist/ holds.
 * @param {{ force?: boolean; only?: 'web' | 'server'; quiet?: boolean }} [opts]
 * @returns {Promise<string[]>}
 */
export async function buildIfStale(opts = {}) {
  if (!existsSync(join(ROOT, 'src'))) return [];
  const built = [];
  if (opts.only !== 'web' && (opts.force || serverIsStale())) {
    await compileServer();
    built.push('server');
  }
  if (opts.only !== 'server' && existsSync(WEB_SRC) && (opts.force || webIsStale())) {
    await buildWeb({ quiet: opts.quiet });
    built.push('web pages');
  }
  return built;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const started = Date.now();
  const only = args.includes('--web') ? 'web' : args.includes('--server') ? 'server' : undefined;
  const built = await buildIfStale({ force: args.includes('--force'), only });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  console.log(built.length ? `built ${built.join(' and ')} into dist/ in ${took} s` : 'dist/ is up to date');
}
