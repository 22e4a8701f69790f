import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

export interface AuditEntry {
  actorUserId: number | null;
  ip: string | null;
  action: string;
  entityType?: string;
  entityId?: string | number;
  outcome?: 'success' | 'failure' | 'denied';
  details?: Record<string, unknown>;
}

/** Writes one audit row: who, what, when (the database clock), from which IP, with what outcome. */
export async function audit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_user_id: entry.actorUserId,
      ip: entry.ip,
      action: entry.action,
      entity_type: entry.entityType ?? null,
      entity_id: entry.entityId === undefined ? null : String(entry.entityId),
      outcome: entry.outcome ?? 'success',
      details: JSON.stringify(entry.details ?? {}) as unknown as Record<string, unknown>,
    })
    .execute();
}
