import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Topics of the transactional outbox. `search` feeds the indexer (issue 5), `mail` the mail sender. */
export type OutboxTopic = 'search' | 'mail';

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
