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

/**
 * Holds one claimed row for one more piece of work (a mail): pushes its lease forward again, but only while the row
 * still carries the attempt number this consumer claimed it with (`claimedAttempts` = the `attempts` read by
 * claimOutbox + 1) and is not done. False means another consumer claimed it after this one's lease ran out (or it is
 * done): the caller must not do the work. The attempt number is the fencing token, so two workers never send the
 * same mail at the same time, even when a batch outlives its lease.
 */
export async function holdOutboxRow(
  db: Kysely<Database>,
  id: string,
  claimedAttempts: number,
  seconds = LEASE_SECONDS,
): Promise<boolean> {
  const held = await db
    .updateTable('outbox')
    .set({ available_at: sql`now() + make_interval(secs => ${seconds})` })
    .where('id', '=', id)
    .where('attempts', '=', claimedAttempts)
    .where('processed_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return held !== undefined;
}

export async function completeOutbox(db: Kysely<Database>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ processed_at: new Date(), last_error: null })
    .where('id', 'in', ids)
    .execute();
}

/**
 * The message of an error with the messages of its causes: a client error such as "Request to … has failed"
 * keeps the reason ("request timed out after 5000ms", "connect ECONNREFUSED …") visible in last_error.
 */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message && !parts.includes(message)) parts.push(message);
    // Only Error causes: some clients keep a response body object there.
    current = current instanceof Error && current.cause instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}

/**
 * Keeps the error and retries later with exponential backoff: 10 s × 2^attempts, where attempts already counts this
 * try (claimOutbox) — 20 s after the first failure, then 40 s, 80 s … at most an hour.
 */
export async function failOutbox(db: Kysely<Database>, ids: string[], error: unknown): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({
      last_error: errorText(error).slice(0, 1000),
      available_at: sql`now() + make_interval(secs => least(3600, 10 * power(2, least(attempts, 9))))`,
    })
    .where('id', 'in', ids)
    .execute();
}
