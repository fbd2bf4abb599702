/**
 * Builds what `npm start`, `npx dproof` and the tests run: the server and CLI (src/ → dist/src/,
 * esbuild, ESM: every module file by file in the layout tsc would write, and the entries the
 * processes start bundled with their packages) and the web pages (src/web/ →
 * dist/web/, one minified bundle per page). Each half is rebuilt only when a source is newer than
 * its stamp, so a start on a built checkout skips straight to the server. The type check is not
 * here: it is `npm run typecheck` (and `npm test`'s first step), which tsc does well and slowly.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled, with node alone (no tsx), so
 * `npm start` and `npx dproof` pay no TypeScript loader. Types for its callers: build.d.ts.
 *
 * Usage: node scripts/build.js [--force] [--web | --server]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
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

/**
 * What the processes start: the server (also every cluster worker), the CLI, and the two worker
 * threads. Each is bundled with the packages it imports (shared code in dist/src/chunks/), so a
 * start reads a few files instead of ~1,000 modules (kysely alone is 279 files, fastify, ajv and
 * pino a few hundred more): node 20 resolves, reads and compiles each module one by one.
 */
const BUNDLED_ENTRIES = ['server.ts', 'cli/main.ts', 'store/sqlite-writer-worker.ts', 'keys/pkcs11/pkcs11-worker.ts'];

/**
 * Packages left out of the bundles, each for a reason found by trying: native addons
 * (better-sqlite3, pkcs11js, and cbor-extract, which cbor-x loads if present), packages loaded
 * only when configured or first used (pg with DATABASE_URL, ioredis with REDIS_URL, qrcode at the
 * first QR: bundled, every start would parse them). @fastify/static and pino bundle fine (no pino
 * transport is used: no worker file to find), and so does @fastify/swagger-ui, which finds its
 * files through `__dirname` (an ES module bundle has none) unless it is given them: openapi.ts does.
 */
const EXTERNAL = ['better-sqlite3', 'pkcs11js', 'cbor-extract', 'pg', 'ioredis', 'qrcode'];

/**
 * The fingerprint of the catalogue's code for checked-stamp.ts (the proof of a catalogue depends
 * on it): a hash of src/catalog/, the same in both halves of the build.
 */
function catalogCodeHash() {
  const dir = join(ROOT, 'src', 'catalog');
  const h = createHash('sha256');
  for (const name of readdirSync(dir).sort())
    h.update(`${name}\0`)
      .update(readFileSync(join(dir, name)))
      .update('\0');
  return h.digest('hex');
}

/**
 * src/ → dist/src/: every module file by file, in the layout tsc would write (the tests and tools
 * that import one compiled module, e.g. the catalogue or the key manager, find it where its source
 * is), then the entries above as bundles over their file-by-file output.
 */
export async function compileServer() {
  const { build } = await import('esbuild');
  // esbuild only adds files: clear the old output so a moved or deleted source leaves no module behind.
  rmSync(SERVER_DIST, { recursive: true, force: true });
  const common = /** @type {const} */ ({
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'error',
    define: { __DPROOF_CATALOG_CODE__: JSON.stringify(catalogCodeHash()) },
  });
  await build({
    ...common,
    entryPoints: serverSources(join(ROOT, 'src')),
    outbase: ROOT,
    outdir: join(ROOT, 'dist'),
    bundle: false,
  });
  await build({
    ...common,
    entryPoints: BUNDLED_ENTRIES.map((e) => join(ROOT, 'src', e)),
    outbase: join(ROOT, 'src'),
    outdir: SERVER_DIST,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Less code for node to parse at every start. Names, line breaks and esbuild's `// path`
    // comments are kept, so a stack trace or a --cpu-prof profile still reads (and bench/
    // profile-summary.ts still names each package): whitespace minifying saved little more.
    minifySyntax: true,
    external: EXTERNAL,
    // Bundled CommonJS packages call require() (for node built-ins among others), which an ES
    // module does not have: give each output file one, resolving from where it lies.
    banner: {
      js: "import { createRequire as __dproofCreateRequire } from 'node:module'; const require = __dproofCreateRequire(import.meta.url);",
    },
  });
  asciiOnly(SERVER_DIST);
  writeFileSync(SERVER_STAMP, `${new Date().toISOString()}\n`);
}

/**
 * V8 keeps each script's source in memory, as a one-byte string only if every character is Latin-1:
 * one en dash in a comment stores a whole 1.8 MB bundle as 3.6 MB. esbuild already escapes every
 * non-ASCII character of strings, templates, regular expressions and names (charset ascii), so what
 * is left is in comments (packages' JSDoc): written as \u escapes, which change nothing there.
 * 6.5 → ~4 MB of source strings on a started server's heap. @param {string} dir
 */
function asciiOnly(dir) {
  // eslint-disable-next-line no-control-regex
  const NON_ASCII = /[^\x00-\x7f]/u;
  const NON_ASCII_ALL = new RegExp(NON_ASCII.source, 'gu');
  for (const name of readdirSync(dir, { recursive: true })) {
    const file = join(dir, String(name));
    if (!file.endsWith('.js')) continue;
    const text = readFileSync(file, 'utf8');
    if (NON_ASCII.test(text))
      writeFileSync(
        file,
        text.replace(NON_ASCII_ALL, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`),
      );
  }
}

/** src/web/ → dist/web/: one bundle per page, the HTML shells and the shared stylesheet. @param {{ quiet?: boolean }} [opts] */
export async function buildWeb(opts = {}) {
  const { build } = await import('esbuild');
  // Built beside dist/web and swapped in with two renames: a page being served meanwhile (another
  // test file's Chromium, a running server) never finds dist/web half-written or its chunks missing.
  const out = `${WEB_DIST}.building-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(PAGES.map((p) => [p, join(WEB_SRC, p, 'main.ts')])),
    outdir: out,
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
  for (const f of readdirSync(join(WEB_SRC, 'pages'))) copyFileSync(join(WEB_SRC, 'pages', f), join(out, f));
  copyFileSync(join(WEB_SRC, 'shared', 'app.css'), join(out, 'app.css'));
  writeFileSync(join(out, '.built'), `${new Date().toISOString()}\n`);
  const old = `${WEB_DIST}.old-${process.pid}`;
  try {
    renameSync(WEB_DIST, old);
  } catch {
    // no dist/web yet, or another build moved it a moment ago
  }
  try {
    renameSync(out, WEB_DIST);
  } catch {
    // another build put an equal dist/web in place first
  }
  rmSync(out, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
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
