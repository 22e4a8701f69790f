import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { enqueue } from '../../db/queries/outbox.ts';
import type { SearchEngine, SearchQuery } from '../../search/engine.ts';
import { reindexAll, runIndexerBatch, stuckRows } from '../../search/indexer.ts';
import { createPostgresEngine } from '../../search/postgres.ts';
import { createTestDb } from '../support/db.ts';

let handle: DbHandle;
let engine: SearchEngine;
beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  engine = createPostgresEngine(handle.db);
});
afterAll(() => handle.close());

const q = (text: string, extra: Partial<SearchQuery> = {}): SearchQuery => ({
  q: text,
  sort: 'relevance',
  page: 1,
  perPage: 20,
  ...extra,
});

describe('the search index follows the listings through the outbox', () => {
  it('builds the whole index from the demo data (every live listing, nothing else)', async () => {
    const { count } = await reindexAll(handle.db, engine);
    const live = await handle.db
      .selectFrom('listing')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'published')
      .where('expires_at', '>', new Date())
      .executeTakeFirstOrThrow();
    expect(count).toBe(Number(live.n));
    expect(await engine.count()).toBe(Number(live.n));
  });

  it('finds the demo listings for 乳清, 益生菌发酵 and the typo hydrogn', async () => {
    const whey = await engine.search(q('乳清'));
    expect(whey.total).toBeGreaterThan(3);
    // Title matches rank first; the word is marked in the highlight segments.
    expect(whey.hits[0]?.highlight.title).toContainEqual(['乳清', true]);
    const probiotic = await engine.search(q('益生菌发酵'));
    expect(probiotic.hits[0]?.title).toMatch(/益生菌|发酵/);
    const typo = await engine.search(q('hydrogn'));
    expect(typo.hits.map((h) => h.title)).toContain('碱性电解槽宽功率波动适应性提升技术需求');
  });

  it('indexes a change written to the outbox, and removes a withdrawn listing', async () => {
    const listing = await handle.db
      .selectFrom('listing')
      .select(['id', 'title'])
      .where('status', '=', 'published')
      .where('confidentiality', '=', 'public')
      .where('expires_at', '>', new Date())
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await handle.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('listing')
        .set({ title: `${listing.title}（钙钛矿叠层验证）` })
        .where('id', '=', listing.id)
        .execute();
      await enqueue(trx, { topic: 'search', aggregateType: 'listing', aggregateId: listing.id });
    });
    expect((await engine.search(q('钙钛矿叠层验证'))).total).toBe(0);
    expect(await runIndexerBatch(handle.db, engine)).toBe(1);
    expect((await engine.search(q('钙钛矿叠层验证'))).hits.map((h) => h.id)).toEqual([listing.id]);
    expect(await runIndexerBatch(handle.db, engine)).toBe(0);

    await handle.db.transaction().execute(async (trx) => {
      await trx.updateTable('listing').set({ status: 'withdrawn' }).where('id', '=', listing.id).execute();
      await enqueue(trx, { topic: 'search', aggregateType: 'listing', aggregateId: listing.id });
    });
    await runIndexerBatch(handle.db, engine);
    expect((await engine.search(q('钙钛矿叠层验证'))).total).toBe(0);
  });

  it('finds an English word that only an update added, instead of "correcting" it to a similar word', async () => {
    const row = await handle.db
      .selectFrom('listing')
      .select(['id', 'title'])
      .where('status', '=', 'published')
      .where('expires_at', '>', new Date())
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await handle.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('listing')
        .set({ title: `${row.title} hydrogenation` })
        .where('id', '=', row.id)
        .execute();
      await enqueue(trx, { topic: 'search', aggregateType: 'listing', aggregateId: row.id });
    });
    await runIndexerBatch(handle.db, engine);
    expect((await engine.search(q('hydrogenation'))).hits.map((h) => h.id)).toEqual([row.id]);
  });

  it('keeps a failed row, with its error, for a retry with backoff; nothing is lost', async () => {
    const failing: SearchEngine = {
      ...engine,
      async upsert() {
        throw new Error('engine unavailable');
      },
    };
    const row = await handle.db
      .selectFrom('listing')
      .select('id')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    await enqueue(handle.db, { topic: 'search', aggregateType: 'listing', aggregateId: row.id });
    await expect(runIndexerBatch(handle.db, failing)).rejects.toThrow('engine unavailable');
    const pending = await handle.db
      .selectFrom('outbox')
      .select(['attempts', 'last_error', 'available_at', 'processed_at'])
      .where('topic', '=', 'search')
      .where('processed_at', 'is', null)
      .execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ attempts: 1, last_error: 'engine unavailable', processed_at: null });
    expect(new Date(pending[0]!.available_at).getTime()).toBeGreaterThan(Date.now() + 5000);
    // Not due yet: the next batch leaves it alone.
    expect(await runIndexerBatch(handle.db, engine)).toBe(0);
    await handle.db
      .updateTable('outbox')
      .set({ attempts: 3, available_at: new Date() })
      .where('processed_at', 'is', null)
      .execute();
    expect((await stuckRows(handle.db)).length).toBe(1);
    expect(await runIndexerBatch(handle.db, engine)).toBe(1);
    expect(await stuckRows(handle.db)).toEqual([]);
  });
});
