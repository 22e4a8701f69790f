import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListingForm } from '../../app/features/listings/form.ts';
import { homePage, viewListing } from '../../app/features/listings/listings.server.ts';
import { createListing, transitionListing } from '../../app/features/listings/manage.server.ts';
import { ANONYMOUS } from '../../app/features/listings/rules.ts';
import { mailTask } from '../../app/features/mail/mail.server.ts';
import { searchIndexerTask } from '../../app/features/search/indexer-task.server.ts';
import { loader as ownerPageLoader } from '../../app/routes/my.listings.$id.tsx';
import type { SignedIn } from '../../app/server/auth.server.ts';
import { loadConfig } from '../../app/server/config.ts';
import type { AppContext } from '../../app/server/context.ts';
import { startWorker } from '../../app/server/worker.ts';
import type { DbHandle } from '../../db/client.ts';
import { enqueue } from '../../db/queries/outbox.ts';
import { loadDocuments } from '../../search/documents.ts';
import type { SearchEngine } from '../../search/engine.ts';
import { reindexAll } from '../../search/indexer.ts';
import { createMeilisearchEngine, toMeiliDocument } from '../../search/meilisearch.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';
import { type MeilisearchStandIn, startMeilisearchStandIn } from '../support/meilisearch-stand-in.ts';
import { signInAs } from '../support/people.ts';

/*
 * A search engine that times out (docs/reliability.md "Faults"): Meilisearch is played by a stand-in
 * (tests/support/meilisearch-stand-in.ts) that first hangs (accepts and never answers), then answers 503, then
 * works. User actions (create, submit, approve, withdraw through app/features/listings/manage.server.ts) succeed all
 * along — they only write the outbox; the indexer task fails within the client's request timeout, keeps the rows
 * with their error and backs off; the worker loop goes on with other work (mail); once the engine answers, the sync
 * catches up and every live listing is in the index. The backoff is fast-forwarded (rows made due), not slept.
 * Runs on PGlite and on PostgreSQL (in process).
 */

/** The indexer's client: a short request timeout (production default: MEILI_TIMEOUT_MS = 5000). */
const REQUEST_TIMEOUT_MS = 1000;
const TTL = 180;

let handle: DbHandle;
let ctx: AppContext;
let standIn: MeilisearchStandIn;
let engine: SearchEngine;
let owner: SignedIn & { cookie: string };
let reviewer: SignedIn;
let orgId: number;
let dataDir: string;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  standIn = await startMeilisearchStandIn();
  engine = createMeilisearchEngine({
    url: standIn.url,
    indexUid: 'listings',
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    taskTimeoutMs: 5_000,
  });
  ctx = testContext(handle, { search: engine });
  owner = await signInAs(ctx, 'owner-chilechuan-dairy@helin-demo.cn');
  reviewer = await signInAs(ctx, 'reviewer@helin-demo.cn');
  orgId = owner.memberships[0]!.organisationId;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-fault-engine-'));
  // The index as it was before the engine went wrong: every live listing (a client with the default timeout, so a
  // busy test machine does not turn this preparation into a failure).
  await reindexAll(handle.db, patientEngine());
});
afterAll(async () => {
  await standIn?.close();
  await handle?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`[faults] ${JSON.stringify({ check: 'search engine times out', ...figures })}\n`);
});

function patientEngine(): SearchEngine {
  return createMeilisearchEngine({ url: standIn.url, indexUid: 'listings' });
}

async function openSearchRows() {
  return handle.db
    .selectFrom('outbox')
    .select(['id', 'aggregate_id', 'attempts', 'last_error', 'available_at'])
    .where('topic', '=', 'search')
    .where('processed_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** Skips the backoff: every open search row is due now. */
async function makeDue() {
  await sql`update outbox set available_at = now() - interval '1 second'
            where topic = 'search' and processed_at is null`.execute(handle.db);
}

async function indexOnce(): Promise<{ handled: number; ms: number }> {
  const started = performance.now();
  const handled = await searchIndexerTask().run({
    db: handle.db,
    search: engine,
    logger: ctx.logger,
    now: new Date(),
  });
  return { handled, ms: Math.round(performance.now() - started) };
}

async function timed<T>(name: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await action();
  (figures.userActionMs as Record<string, number>)[name] = Math.round(performance.now() - started);
  return result;
}

let created: number;
let withdrawn: number;

describe('a search engine that hangs, then fails, then answers again', () => {
  it('while it hangs: user actions succeed at once, the indexer fails within the timeout and backs off', async () => {
    standIn.mode = 'hang';
    figures.userActionMs = {};
    const input = parseListingForm(
      'demand',
      {
        title: '搜索引擎故障期间发布的需求：乳清蛋白膜分离',
        summary: '引擎无响应时，发布、审核等操作仍应立即完成，索引稍后补上。',
        fieldCodes: ['dairy'],
        region: '和林格尔县',
        confidentiality: 'public',
        indicators: '截留率不低于95%，通量衰减不超过20%',
        demand_type: 'process',
        cooperation_modes: ['joint_development'],
        budget_min_wan: '20',
        budget_max_wan: '60',
        contact_phone: '13900000000',
      },
      '2026-01-01',
    );
    if (!input.ok) throw new Error(JSON.stringify(input.fieldErrors));
    const draft = await timed('create', () =>
      createListing(handle.db, { principal: owner, organisationId: orgId, listing: input.data, ip: 'x' }),
    );
    if (!draft.ok) throw new Error(`create failed: ${JSON.stringify(draft)}`);
    created = draft.id;
    const act = (name: string, principal: SignedIn, id: number, action: 'submit' | 'approve' | 'withdraw') =>
      timed(name, () => transitionListing(handle.db, { principal, id, action, ip: 'x', ttlDays: TTL }));
    expect(await act('submit', owner, created, 'submit')).toEqual({ ok: true, status: 'submitted' });
    expect(await act('approve', reviewer, created, 'approve')).toEqual({ ok: true, status: 'published' });
    const other = await handle.db
      .selectFrom('listing')
      .select('id')
      .where('organisation_id', '=', orgId)
      .where('status', '=', 'published')
      .where('id', '!=', created)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    withdrawn = other.id;
    expect(await act('withdraw', owner, withdrawn, 'withdraw')).toEqual({ ok: true, status: 'withdrawn' });
    // The public listing page reads the database, not the engine: the new listing is there at once.
    expect((await viewListing(handle.db, created, ANONYMOUS))?.title).toBe(input.data.title);

    const run = await indexOnce();
    expect(run.handled).toBe(0);
    figures.failedBatchWhileHangingMs = run.ms;
    const rows = await openSearchRows();
    // submit, approve and withdraw each wrote a search row (create does not: a draft is not in the index).
    expect(rows.map((r) => Number(r.aggregate_id)).sort((a, b) => a - b)).toEqual(
      [created, created, withdrawn].sort((a, b) => a - b),
    );
    for (const row of rows) {
      expect(row.attempts).toBe(1);
      expect(row.last_error).toMatch(/timed out after 1000ms/);
      expect(new Date(row.available_at).getTime()).toBeGreaterThan(Date.now());
    }
    figures.backoffAfterFirstFailureS = Math.round(
      (new Date(rows[0]!.available_at).getTime() - Date.now()) / 1000,
    );
    // The engine got the write and never answered it.
    expect(standIn.requests.some((r) => r.status === null)).toBe(true);
  });

  it('while it hangs: the owner opens the page of a published listing and the home page opens, without the engine', async () => {
    const started = performance.now();
    const page = (await ownerPageLoader({
      request: new Request(`http://localhost/my/listings/${created}`, { headers: { Cookie: owner.cookie } }),
      params: { id: String(created) },
      context: ctx,
    } as unknown as LoaderFunctionArgs)) as { status: string; recommendations: unknown };
    figures.ownerPageWhileHangingMs = Math.round(performance.now() - started);
    expect(page.status).toBe('published');
    // Recommendations come from the engine: left out, the rest of the page (edit, renew, withdraw) is there.
    expect(page.recommendations).toBeNull();
    const home = await homePage(handle.db, engine);
    expect(home.counts.demand).toBeGreaterThan(0);
    expect(home.newest).toEqual([]);
  });

  it('the worker loop is not held by the engine: mail goes out while the indexer keeps failing', async () => {
    await makeDue();
    const MAILS = 30;
    for (let i = 1; i <= MAILS; i++) {
      await enqueue(handle.db, {
        topic: 'mail',
        aggregateType: 'fault-test',
        aggregateId: i,
        payload: { to: `person${i}@example.test`, subject: `测试 ${i}`, text: '引擎故障期间的邮件' },
      });
    }
    const worker = startWorker({
      db: handle.db,
      search: engine,
      logger: ctx.logger,
      tasks: [searchIndexerTask(), mailTask(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }))],
      intervalMs: 100,
    });
    try {
      const started = Date.now();
      for (;;) {
        const open = await handle.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('topic', '=', 'mail')
          .where('processed_at', 'is', null)
          .executeTakeFirstOrThrow();
        if (Number(open.n) === 0) break;
        if (Date.now() - started > 30_000) throw new Error('mail was held up behind the hanging engine');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      figures.mailsSentWhileEngineHangs = MAILS;
      expect(fs.readdirSync(path.join(dataDir, 'mail')).filter((f) => f.endsWith('.eml'))).toHaveLength(
        MAILS,
      );
      figures.mailDrainedWhileEngineHangsMs = Date.now() - started;
    } finally {
      await worker.stop();
    }
    const rows = await openSearchRows();
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.attempts).toBe(2);
  });

  it('while it answers 503: the indexer fails again and keeps the rows with the error', async () => {
    standIn.mode = 'unavailable';
    await makeDue();
    const run = await indexOnce();
    expect(run.handled).toBe(0);
    figures.failedBatchWhileUnavailableMs = run.ms;
    const rows = await openSearchRows();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.attempts).toBe(3);
      expect(row.last_error).toBe('stand-in: Meilisearch is unavailable');
    }
  });

  it('once it answers again: the sync catches up and the engine holds every live listing', async () => {
    standIn.mode = 'ok';
    // The backoff runs out (fast-forwarded), the worker tries again until nothing is left.
    let batches = 0;
    for (; batches < 20 && (await openSearchRows()).length > 0; batches++) {
      await makeDue();
      await indexOnce();
    }
    expect(await openSearchRows()).toEqual([]);
    const all = await handle.db.selectFrom('listing').select('id').execute();
    const { upsert } = await loadDocuments(
      handle.db,
      all.map((r) => r.id),
    );
    const held = standIn.documents('listings');
    expect([...held.keys()].sort((a, b) => a - b)).toEqual(upsert.map((d) => d.id).sort((a, b) => a - b));
    for (const doc of upsert) expect(held.get(doc.id), `document ${doc.id}`).toEqual(toMeiliDocument(doc));
    expect(held.has(created)).toBe(true);
    expect(held.has(withdrawn)).toBe(false);
    // Through the engine, as the search page asks: a search without words finds every live listing.
    const browse = await patientEngine().search({ q: '', sort: 'newest', page: 1, perPage: 1 });
    expect(browse.total).toBe(upsert.length);
    figures.catchUpBatches = batches;
    figures.liveListingsInEngine = held.size;
    const settled = await handle.db
      .selectFrom('outbox')
      .select('attempts')
      .where('topic', '=', 'search')
      .where('aggregate_id', 'in', [String(created), String(withdrawn)])
      .execute();
    figures.attemptsUntilIndexed = Math.max(...settled.map((r) => r.attempts));
    figures.requestsUnanswered = standIn.requests.filter((r) => r.status === null).length;
    figures.requests503 = standIn.requests.filter((r) => r.status === 503).length;
  });
});
