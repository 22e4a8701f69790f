import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/** Topics of the transactional outbox: `search` feeds the indexer (issue 5), `mail` the mail sender, `edition` the
 * fan-out of a published edition to its subscribers (issue 6), `mkj` the 蒙科聚 push sync (issue 8). */
export type OutboxTopic = 'search' | 'mail' | 'edition' | 'mkj';

/** Writes one outbox row; call it with the transaction that makes the change. */
export async function enqueue(
  db: Kysely<Database>,
  row: {
    topic: OutboxTopic;
    aggregateType: string;
    aggregateId: string | number;
    payload?: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      topic: row.topic,
      aggregate_type: row.aggregateType,
      aggregate_id: String(row.aggregateId),
      payload: JSON.stringify(row.payload ?? {}) as unknown as Record<string, unknown>,
    })
    .execute();
}

const LEASE_SECONDS = 60;

/**
 * Claims due rows of a topic for one consumer: FOR UPDATE SKIP LOCKED in a short transaction that pushes
 * available_at forward by a lease, so several workers share the work, no transaction is held while the work is
 * done, and a crashed worker's rows come back when the lease runs out.
 */
export async function claimOutbox(db: Kysely<Database>, topic: OutboxTopic, limit: number) {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('outbox')
      .select(['id', 'aggregate_type', 'aggregate_id', 'payload', 'attempts'])
      .where('topic', '=', topic)
      .where('processed_at', 'is', null)
      .where('available_at', '<=', new Date())
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length > 0) {
      await trx
        .updateTable('outbox')
        .set({
          available_at: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
          attempts: sql`attempts + 1`,
        })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    }
    return rows;
  });
}

export async function completeOutbox(db: Kysely<Database>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ processed_at: new Date(), last_error: null })
    .where('id', 'in', ids)
    .execute();
}

/** Keeps the error and retries later with exponential backoff (10 s, 20 s … at most an hour). */
export async function failOutbox(db: Kysely<Database>, ids: string[], error: unknown): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({
      last_error: String((error as Error)?.message ?? error).slice(0, 1000),
      available_at: sql`now() + make_interval(secs => least(3600, 10 * power(2, least(attempts, 9))))`,
    })
    .where('id', 'in', ids)
    .execute();
}
