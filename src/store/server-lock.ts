import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A running server marks the embedded store it holds, so the CLI can refuse what would corrupt it. */
export const PID_FILE = 'server.pid';

export const markStoreHeld = (dataDir: string): string => {
  const file = join(dataDir, PID_FILE);
  writeFileSync(file, `${process.pid}\n`);
  return file;
};

export const releaseStore = (file: string): void => rmSync(file, { force: true });

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
