import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project folder (holds package.json and schemas/), whether running from src/ or dist/src/. */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the project folder above ${start}`);
    dir = up;
  }
}

export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
export const schemasDir = join(projectRoot, 'schemas');

/**
 * A compiled module's URL by its path under src/ (`store/sqlite-writer-worker.js`). The server
 * and CLI run as bundles (scripts/build.js), so a module's own `import.meta.url` may be a shared
 * chunk's, not its source file's place: files started by path (worker threads) are found from the
 * project folder instead.
 */
export const compiledModuleUrl = (path: string): URL => pathToFileURL(join(projectRoot, 'dist', 'src', path));
