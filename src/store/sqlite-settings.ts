import type BetterSqlite3 from 'better-sqlite3';

/**
 * The settings every connection to the embedded store runs with (the main one and the writer
 * thread's). WAL lets readers run beside the writer. synchronous=FULL fsyncs the WAL at every
 * commit, so an acknowledged write survives a kill -9 and a power loss alike. secure_delete
 * overwrites deleted content with zeros, so purged offer claims and verification results do not
 * stay readable in free pages of the file (https://www.sqlite.org/pragma.html#pragma_secure_delete).
 * The busy timeout is the connection's own (better-sqlite3's `timeout` option: the lock timeout).
 */
export function configureSqlite(db: BetterSqlite3.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
}
