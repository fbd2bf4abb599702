/**
 * The embedded store's folder and files hold pending offer claims and unread verification
 * results: only the service's own user may read them (folder 0700, files 0600), also when the
 * folder was made earlier with looser modes (an older version, a `mkdir` by hand). SQLite gives
 * the -wal and -shm files the database file's mode when it creates them, so the database file
 * is created 0600 before SQLite opens it. Where a mode cannot be changed (a folder owned by
 * someone else, a file system without Unix modes) the server still starts, with a warning.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/** Something that could not be restricted: the path and the error code (never file contents). */
export interface PermissionWarning {
  path: string;
  code: string;
}

function restrict(path: string, mode: number, warnings: PermissionWarning[]): void {
  try {
    chmodSync(path, mode);
  } catch (e) {
    warnings.push({ path, code: (e as NodeJS.ErrnoException).code ?? 'unknown' });
  }
}

/** Before opening: the folder exists with 0700 and the database file with 0600. */
export function prepareDataDir(dataDir: string, dbFile: string): PermissionWarning[] {
  const warnings: PermissionWarning[] = [];
  mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  restrict(dataDir, DATA_DIR_MODE, warnings);
  if (!existsSync(dbFile)) closeSync(openSync(dbFile, 'a', DATA_FILE_MODE)); // an empty file is a new SQLite database
  return warnings;
}

/** After opening (WAL mode made -wal and -shm): every file of the database is 0600. */
export function restrictDataFiles(dbFile: string): PermissionWarning[] {
  const warnings: PermissionWarning[] = [];
  for (const path of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) {
    if (existsSync(path)) restrict(path, DATA_FILE_MODE, warnings);
  }
  return warnings;
}
