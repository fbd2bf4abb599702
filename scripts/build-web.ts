/**
 * Builds the web pages (src/web/) into dist/web/: one browser bundle per page (esbuild, plain
 * TypeScript, ES2022, minified, with source maps), the shared stylesheet and the HTML shells.
 * Runs from `npm run build` (so `npm start`), `npm install` (prepare) and the browser tests.
 * Usage: tsx scripts/build-web.ts
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
export const WEB_SRC = join(ROOT, 'src', 'web');
export const WEB_DIST = join(ROOT, 'dist', 'web');
export const PAGES = ['wallet', 'verifier', 'console'] as const;

export async function buildWeb(opts: { quiet?: boolean } = {}): Promise<void> {
  rmSync(WEB_DIST, { recursive: true, force: true });
  mkdirSync(WEB_DIST, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(PAGES.map((p) => [p, join(WEB_SRC, p, 'main.ts')])),
    outdir: WEB_DIST,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: opts.quiet ? 'error' : 'warning',
    // Nothing may reach for Node built-ins: a bundle that needs one is a mistake, not a polyfill.
    external: [],
  });
  for (const f of readdirSync(join(WEB_SRC, 'pages'))) copyFileSync(join(WEB_SRC, 'pages', f), join(WEB_DIST, f));
  copyFileSync(join(WEB_SRC, 'shared', 'app.css'), join(WEB_DIST, 'app.css'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildWeb();
  console.log(`web pages built into ${WEB_DIST}`);
}
