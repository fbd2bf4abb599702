import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface AuditEvent {
  at: number;
  actor: string;
  action: string;
  subject: string;
  /** Never claim values, tokens, keys or API keys: ids, states and reasons only. */
  detail?: Record<string, unknown>;
}

export const auditRepo = (db: Kysely<Database>) => ({
  async record(e: AuditEvent): Promise<void> {
    await db
      .insertInto('audit_events')
      .values({ at: e.at, actor: e.actor, action: e.action, subject: e.subject, detail: e.detail ? JSON.stringify(e.detail) : null })
      .execute();
  },

  async forSubject(subject: string): Promise<AuditEvent[]> {
    const rows = await db.selectFrom('audit_events').selectAll().where('subject', '=', subject).orderBy('id').execute();
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, unknown> } : {}),
    }));
  },
});

export type AuditRepo = ReturnType<typeof auditRepo>;
