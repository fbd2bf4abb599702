#!/usr/bin/env node
// Entry for `npx dproof`: runs the TypeScript sources through tsx when they are here (a clone),
// or the compiled dist/ (a production image built with `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src', 'cli', 'main.ts');
let main;
if (existsSync(src)) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    main = src;
  } catch {
    main = undefined;
  }
}
main ??= join(root, 'dist', 'src', 'cli', 'main.js');
const { runCli } = await import(pathToFileURL(main).href);
process.exitCode = await runCli(process.argv.slice(2));
