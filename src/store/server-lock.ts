import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A running server marks the embedded store it holds, so the CLI can refuse what would corrupt it. */
export const PID_FILE = 'server.pid';

/**
 * The embedded store is single-node: a second server on the same DATA_DIR is refused before it
 * opens the store (it would run its migrations beside the first, take over the pid file and, when
 * it stopped, remove it, leaving the first server's store unguarded against `db migrate`).
 */
export function refuseHeldStore(dataDir: string): void {
  const pid = runningServerPid(dataDir);
  if (pid !== undefined)
    throw new Error(
      `another server (pid ${pid}) holds the embedded store in ${dataDir} (${PID_FILE}); it serves one node: stop that one first, or run several processes with WORKERS, or several nodes on PostgreSQL (DATABASE_URL)`,
    );
}

export const markStoreHeld = (dataDir: string): string => {
  refuseHeldStore(dataDir);
  const file = join(dataDir, PID_FILE);
  writeFileSync(file, `${process.pid}\n`);
  return file;
};

/** Removes the pid file if it is still ours (never another live server's). */
export const releaseStore = (file: string): void => {
  try {
    if (Number(readFileSync(file, 'utf8').trim()) !== process.pid) return;
  } catch {
    return;
  }
  rmSync(file, { force: true });
};

/** The pid of a live server holding the embedded store in `dataDir`, if any. */
export function runningServerPid(dataDir: string): number | undefined {
  const file = join(dataDir, PID_FILE);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
