#!/usr/bin/env node
// Entry for `npx dproof`: runs the compiled CLI in dist/. In a clone it first compiles what is
// stale (scripts/build.js: esbuild, about a second, nothing when dist/ is current), so a call costs
// node's start and the CLI's own work, not a TypeScript loader. A production image has only dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'scripts', 'build.js');
if (existsSync(build)) {
  const { buildIfStale } = await import(pathToFileURL(build).href);
  await buildIfStale({ only: 'server', quiet: true });
}
const { runCli } = await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'main.js')).href);
process.exitCode = await runCli(process.argv.slice(2));
