/**
 * vitest globalSetup: compiles src/ into dist/src/ once per run when it is missing or older than a
 * source, so the tests that spawn the server or the CLI run compiled JavaScript instead of
 * transpiling src/ through tsx in every process. esbuild, file by file, the same layout and ESM
 * output as `npm run build` (tsc) in about a second; the type check is `npm test`'s own first step.
 */
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..', '..');
const STAMP = join(ROOT, 'dist', '.compiled-for-tests');
const INPUTS = [join(ROOT, 'src'), join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json'), join(ROOT, 'package-lock.json')];

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'web' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'web')
    .reduce((max, name) => Math.max(max, newestMtime(join(path, name))), s.mtimeMs);
}

function compiledIsStale(): boolean {
  if (!existsSync(STAMP) || !existsSync(join(ROOT, 'dist', 'src', 'server.js'))) return true;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.some((p) => existsSync(p) && newestMtime(p) > built);
}

export default async function setup(): Promise<void> {
  if (!compiledIsStale()) return;
  const started = Date.now();
  // esbuild only adds files: clear the old output so a moved or deleted source leaves no module behind.
  rmSync(join(ROOT, 'dist', 'src'), { recursive: true, force: true });
  await build({
    entryPoints: sources(join(ROOT, 'src')),
    outbase: ROOT,
    outdir: join(ROOT, 'dist'),
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'error',
  });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  console.log(`compiled src/ into dist/ for the tests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
