import { type Kysely, sql } from 'kysely';
import { claimOutbox, completeOutbox, failOutbox } from '../db/queries/outbox.ts';
import type { Database } from '../db/schema.ts';
import { allDocuments, loadDocuments } from './documents.ts';
import type { SearchEngine } from './engine.ts';

/*
 * The outbox consumer. Claims due rows of topic 'search' with FOR UPDATE SKIP LOCKED by leasing them (pushing
 * available_at forward) in a short transaction, so several workers share the work and no transaction is held
 * while the engine works. Re-reads the current listings, upserts or deletes, and marks the rows done only when
 * the engine confirmed. A failure retries with exponential backoff (10 s … 1 h) and keeps the error visible;
 * a crash leaves the lease to run out and the rows to be claimed again. Nothing is lost.
 */
export async function runIndexerBatch(
  db: Kysely<Database>,
  engine: SearchEngine,
  options: { limit?: number } = {},
): Promise<number> {
  const claimed = await claimOutbox(db, 'search', options.limit ?? 200);
  if (claimed.length === 0) return 0;
  const rowIds = claimed.map((r) => r.id);
  const ids = [...new Set(claimed.map((r) => Number(r.aggregate_id)))].filter(Number.isInteger);
  try {
    const { upsert, remove } = await loadDocuments(db, ids);
    await engine.upsert(upsert);
    await engine.delete(remove);
    await completeOutbox(db, rowIds);
  } catch (error) {
    await failOutbox(db, rowIds, error);
    throw error;
  }
  return claimed.length;
}

/** Full rebuild from the listing tables. Outbox rows written before the start are settled by it. */
export async function reindexAll(
  db: Kysely<Database>,
  engine: SearchEngine,
  onProgress?: (done: number, total: number) => void,
): Promise<{ count: number }> {
  const started = new Date();
  const totalRow = await db
    .selectFrom('listing')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', '=', 'published')
    .where('expires_at', '>', started)
    .executeTakeFirstOrThrow();
  let done = 0;
  async function* withProgress() {
    for await (const batch of allDocuments(db, 1000, started)) {
      yield batch;
      done += batch.length;
      onProgress?.(done, totalRow.n);
    }
  }
  await engine.setup();
  const result = await engine.reindex(withProgress());
  await db
    .updateTable('outbox')
    .set({ processed_at: new Date() })
    .where('topic', '=', 'search')
    .where('processed_at', 'is', null)
    .where('created_at', '<', started)
    .execute();
  // Changes made while the rebuild ran may have been read before they happened (a listing withdrawn after its
  // batch was read would come back): apply the current state of every listing changed since the start.
  const changed = await db
    .selectFrom('outbox')
    .select('aggregate_id')
    .distinct()
    .where('topic', '=', 'search')
    .where('created_at', '>=', started)
    .execute();
  const ids = changed.map((r) => Number(r.aggregate_id)).filter(Number.isInteger);
  if (ids.length > 0) {
    const { upsert, remove } = await loadDocuments(db, ids);
    await engine.upsert(upsert);
    await engine.delete(remove);
  }
  return result;
}

/** Rows that keep failing (shown on the bureau page and by the CLI). */
export async function stuckRows(db: Kysely<Database>, minAttempts = 3) {
  return db
    .selectFrom('outbox')
    .select([
      'id',
      'topic',
      'aggregate_type',
      'aggregate_id',
      'attempts',
      'last_error',
      'available_at',
      'created_at',
    ])
    .where('processed_at', 'is', null)
    .where('attempts', '>=', minAttempts)
    .orderBy('id')
    .limit(200)
    .execute();
}
