import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decideVerification } from '../../app/features/bureau/bureau.server.ts';
import { parseListingForm } from '../../app/features/listings/form.ts';
import { createListing, expireDue, transitionListing } from '../../app/features/listings/manage.server.ts';
import { actOnMatch } from '../../app/features/matching/matches.server.ts';
import { queueSync } from '../../app/features/mkj/sync.server.ts';
import { MKJ_BATCH, mkjSyncTask, PERMANENT_AFTER } from '../../app/features/mkj/sync-task.server.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import { action, loader } from '../../app/routes/bureau.mkj.sync.tsx';
import type { SignedIn } from '../../app/server/auth.server.ts';
import type { Config } from '../../app/server/config.ts';
import type { AppContext } from '../../app/server/context.ts';
import { createSession } from '../../app/server/session.server.ts';
import type { DbHandle } from '../../db/client.ts';
import type { MkjSyncEntity } from '../../db/schema.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';
import {
  type MengkejuStandIn,
  type StandInRequest,
  startMengkejuStandIn,
} from '../support/mengkeju-stand-in.ts';
import { signInAs } from '../support/people.ts';

/*
 * The 蒙科聚 push sync against a stand-in for 蒙科聚 (tests/support/mengkeju-stand-in.ts) on a local port: what is
 * queued by which user action, the retries until the stand-in accepts (failures, timeouts, a wrong token, a
 * rejection), the sync switched off, and the bureau's failures page. The backoff is skipped by making the rows due
 * (no sleeping); the worker task's run() is called directly.
 */

const s = zhCN.mkj.sync;
const TTL = 180;
const CONTACT_PHONE = '13912345678';

let handle: DbHandle;
let ctx: AppContext;
let standIn: MengkejuStandIn;
let owner: SignedIn;
let reviewer: SignedIn;
let orgId: number;

async function signIn(email: string): Promise<SignedIn> {
  return signInAs(ctx, email);
}

function syncConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...ctx.config,
    MKJ_SYNC_URL: standIn.url,
    MKJ_SYNC_TOKEN: standIn.token,
    // Generous: a busy test machine must not turn an answer into a timeout (the timeout test sets its own).
    MKJ_SYNC_TIMEOUT_MS: 5000,
    ...overrides,
  };
}

/** Runs the worker task until it finds nothing due; returns how many rows it handled. */
async function sync(config: Config = syncConfig()): Promise<number> {
  const task = mkjSyncTask(config);
  let total = 0;
  for (let i = 0; i < 50; i++) {
    const handled = await task.run({
      db: handle.db,
      search: ctx.search,
      logger: ctx.logger,
      now: new Date(),
    });
    if (handled === 0) return total;
    total += handled;
  }
  throw new Error('the sync task never went idle');
}

/** Skips the backoff: every open 'mkj' row is due now. */
async function makeDue(): Promise<void> {
  await sql`update outbox set available_at = now() - interval '1 second'
            where topic = 'mkj' and processed_at is null`.execute(handle.db);
}

async function openRows(entity: MkjSyncEntity, id: number) {
  return handle.db
    .selectFrom('outbox')
    .select(['id', 'attempts', 'available_at', 'last_error'])
    .where('topic', '=', 'mkj')
    .where('aggregate_type', '=', entity)
    .where('aggregate_id', '=', String(id))
    .where('processed_at', 'is', null)
    .execute();
}

async function syncState(entity: MkjSyncEntity, id: number) {
  return handle.db
    .selectFrom('mkj_sync')
    .selectAll()
    .where('entity_type', '=', entity)
    .where('entity_id', '=', id)
    .executeTakeFirst();
}

function requestsFor(entity: MkjSyncEntity, id: number, list: StandInRequest[] = standIn.requests) {
  return list.filter((r) => {
    const body = r.body as { type?: string; id?: number } | null;
    return body?.type === entity && body.id === id;
  });
}

/** A new demand of the owner's organisation, submitted and approved (published). */
async function publishNew(title: string): Promise<number> {
  const parsed = parseListingForm(
    'demand',
    {
      title,
      summary: '常温酸奶在货架期内后酸化明显，需要控制工艺，寻求合作。',
      fieldCodes: ['dairy'],
      region: '和林格尔县',
      confidentiality: 'public',
      indicators: '货架期内pH下降不超过0.2',
      detail: '内部工艺参数与产线情况（仅对会员可见的详细说明不应出现在推送中）。',
      demand_type: 'process',
      cooperation_modes: ['joint_development'],
      budget_min_wan: '30',
      budget_max_wan: '80',
      contact_name: '王工',
      contact_phone: CONTACT_PHONE,
    },
    '2026-01-01',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
  const created = await createListing(handle.db, {
    principal: owner,
    organisationId: orgId,
    listing: parsed.data,
    ip: 'x',
  });
  if (!created.ok) throw new Error('create failed');
  const id = created.id;
  for (const [principal, act] of [
    [owner, 'submit'],
    [reviewer, 'approve'],
  ] as const) {
    const r = await transitionListing(handle.db, { principal, id, action: act, ip: 'x', ttlDays: TTL });
    if (!r.ok) throw new Error(`${act} failed: ${JSON.stringify(r)}`);
  }
  return id;
}

async function withdraw(id: number) {
  const r = await transitionListing(handle.db, {
    principal: owner,
    id,
    action: 'withdraw',
    ip: 'x',
    ttlDays: TTL,
  });
  expect(r).toEqual({ ok: true, status: 'withdrawn' });
}

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  ctx = testContext(handle);
  standIn = await startMengkejuStandIn();
  owner = await signIn('owner-chilechuan-dairy@helin-demo.cn');
  reviewer = await signIn('reviewer@helin-demo.cn');
  orgId = owner.memberships[0]!.organisationId;
});
afterAll(async () => {
  await standIn?.close();
  await handle?.close();
});
/** Each test starts with nothing due: whatever earlier tests left open is sent (and accepted) first. */
beforeEach(async () => {
  standIn.reset();
  await makeDue();
  await sync();
  standIn.reset();
});

describe('what user actions queue', () => {
  it('publishing a listing queues one row; a second change before it is sent adds none (coalesced)', async () => {
    const id = await publishNew('乳清蛋白膜分离工艺优化需求');
    expect(await syncState('listing', id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await openRows('listing', id)).toHaveLength(1);
    const renewed = await transitionListing(handle.db, {
      principal: owner,
      id,
      action: 'renew',
      ip: 'x',
      ttlDays: TTL,
    });
    expect(renewed.ok).toBe(true);
    expect(await openRows('listing', id)).toHaveLength(1);
  });

  it('a draft and a submission queue nothing', async () => {
    const before = await handle.db
      .selectFrom('outbox')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('topic', '=', 'mkj')
      .executeTakeFirstOrThrow();
    const parsed = parseListingForm(
      'demand',
      {
        title: '牧场粪污资源化利用技术需求',
        summary: '规模化牧场粪污处理成本高，寻求资源化利用的成熟技术。',
        indicators: '粪污资源化利用率不低于90%，处理成本下降20%',
        fieldCodes: ['dairy'],
        region: '和林格尔县',
        confidentiality: 'public',
        demand_type: 'process',
        cooperation_modes: ['joint_development'],
      },
      '2026-01-01',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
    const created = await createListing(handle.db, {
      principal: owner,
      organisationId: orgId,
      listing: parsed.data,
      ip: 'x',
    });
    if (!created.ok) throw new Error('create failed');
    await transitionListing(handle.db, {
      principal: owner,
      id: created.id,
      action: 'submit',
      ip: 'x',
      ttlDays: TTL,
    });
    const after = await handle.db
      .selectFrom('outbox')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('topic', '=', 'mkj')
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await syncState('listing', created.id)).toBeUndefined();
  });

  it('a listing withdrawn before it ever reached 蒙科聚 is not sent at all', async () => {
    const id = await publishNew('低温乳品冷链监测技术需求');
    await withdraw(id);
    expect(await openRows('listing', id)).toHaveLength(1);
    await sync();
    expect(requestsFor('listing', id)).toEqual([]);
    expect(await openRows('listing', id)).toEqual([]);
    expect(await syncState('listing', id)).toBeUndefined();
  });

  it('organisation verification and contract registration queue their records', async () => {
    const pending = await handle.db
      .selectFrom('organisation')
      .select('id')
      .where('verification', '=', 'pending')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(
      await decideVerification(
        handle.db,
        { organisationId: pending.id, decision: 'verified', reason: null },
        reviewer,
        'x',
      ),
    ).toBe(true);
    expect(await syncState('organisation', pending.id)).toMatchObject({ status: 'pending' });

    const signed = await handle.db
      .selectFrom('match')
      .select(['id', 'version', 'contract_signed_on'])
      .where('state', '=', 'contract_signed')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const registered = await actOnMatch(handle.db, {
      principal: reviewer,
      matchId: signed.id,
      version: signed.version,
      act: {
        action: 'register',
        registration: {
          registration_no: '2026150123000777',
          certified_amount_wan: 88,
          registered_on: '2026-11-25',
          office: '呼和浩特市技术市场管理办公室',
        },
      },
      ip: 'x',
    });
    expect(registered).toEqual({ ok: true, state: 'registered' });
    expect(await syncState('contract', signed.id)).toMatchObject({ status: 'pending' });

    await sync();
    const [org] = requestsFor('organisation', pending.id, standIn.accepted());
    expect(org?.body).toMatchObject({
      type: 'organisation',
      county: '和林格尔县',
      data: { status: 'verified' },
    });
    const [contract] = requestsFor('contract', signed.id, standIn.accepted());
    expect(contract?.body).toMatchObject({
      type: 'contract',
      id: signed.id,
      data: { status: 'registered', registration_no: '2026150123000777', certified_amount_wan: 88 },
    });
    expect(JSON.stringify(contract?.body)).not.toMatch(/contract_amount_wan|phone|email/);
    expect(await syncState('contract', signed.id)).toMatchObject({ status: 'synced' });
    const match = await handle.db
      .selectFrom('match')
      .select(['mkj_id', 'mkj_url'])
      .where('id', '=', signed.id)
      .executeTakeFirstOrThrow();
    expect(match).toEqual({
      mkj_id: `MKJ-CONTRACT-TEST-${signed.id}`,
      mkj_url: `https://www.mengkeju.example/records/MKJ-CONTRACT-TEST-${signed.id}`,
    });
  });
});

describe('the push', () => {
  it('retries until the stand-in accepts: fails twice (500), then synced with the 蒙科聚 id written', async () => {
    const id = await publishNew('液态奶灌装线智能质检需求');
    standIn.next('fail', 2);

    await sync();
    expect(await syncState('listing', id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await syncState('listing', id))?.last_error).toContain('HTTP 500');
    // Backed off: not due again yet, so another run sends nothing.
    expect((await openRows('listing', id))[0]!.available_at.getTime()).toBeGreaterThan(Date.now());
    await sync();
    expect(requestsFor('listing', id)).toHaveLength(1);

    await makeDue();
    await sync();
    expect(await syncState('listing', id)).toMatchObject({ status: 'failed', attempts: 2 });

    await makeDue();
    await sync();
    const state = await syncState('listing', id);
    expect(state).toMatchObject({
      status: 'synced',
      attempts: 0,
      last_error: null,
      remote_id: `MKJ-LISTING-TEST-${id}`,
    });
    expect(state?.payload_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await openRows('listing', id)).toEqual([]);
    const listing = await handle.db
      .selectFrom('listing')
      .select(['mkj_id', 'mkj_url'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(listing.mkj_id).toBe(`MKJ-LISTING-TEST-${id}`);
    expect(listing.mkj_url).toBe(`https://www.mengkeju.example/records/MKJ-LISTING-TEST-${id}`);

    const all = requestsFor('listing', id);
    expect(all.map((r) => r.status)).toEqual([500, 500, 200]);
    const accepted = requestsFor('listing', id, standIn.accepted());
    expect(accepted).toHaveLength(1);
    const request = accepted[0]!;
    expect(request.method).toBe('POST');
    expect(request.authorization).toBe(`Bearer ${standIn.token}`);
    expect(request.contentType).toMatch(/^application\/json/);
    expect(request.body).toMatchObject({
      type: 'listing',
      id,
      county: '和林格尔县',
      mkj_id: null,
      data: {
        status: 'published',
        kind: 'demand',
        title: '液态奶灌装线智能质检需求',
        field_codes: ['dairy'],
      },
    });
    // Public fields only: no contacts, no detail-tier text.
    const text = JSON.stringify(request.body);
    expect(text).not.toContain(CONTACT_PHONE);
    expect(text).not.toContain('王工');
    expect(text).not.toContain('pH下降');
    expect(text).not.toMatch(/contact/);
  });

  it('sends nothing again for an unchanged record, and a withdrawal as a status change with the 蒙科聚 id', async () => {
    const id = await publishNew('奶牛乳房炎快速检测技术需求');
    await sync();
    expect(requestsFor('listing', id, standIn.accepted())).toHaveLength(1);
    await sync();
    expect(requestsFor('listing', id)).toHaveLength(1);

    await withdraw(id);
    expect(await openRows('listing', id)).toHaveLength(1);
    expect(await syncState('listing', id)).toMatchObject({ status: 'pending' });
    await sync();
    const sent = requestsFor('listing', id, standIn.accepted());
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).toMatchObject({
      type: 'listing',
      id,
      mkj_id: `MKJ-LISTING-TEST-${id}`,
      data: { status: 'withdrawn' },
    });
    expect(Object.keys((sent[1]!.body as { data: object }).data).sort()).toEqual(['changed_at', 'status']);
    expect(await syncState('listing', id)).toMatchObject({ status: 'synced' });
  });

  it('sends an expiry of a listing 蒙科聚 knows as a status change', async () => {
    const id = await publishNew('巴氏杀菌乳保质期延长技术需求');
    await sync();
    const row = await handle.db
      .selectFrom('listing')
      .select('expires_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const after = new Date(new Date(row.expires_at!).getTime() + 1000);
    while ((await expireDue(handle.db, after)) > 0) {
      // every demo listing is due by then as well: batches of 200
    }
    standIn.reset();
    await sync();
    const [sent] = requestsFor('listing', id, standIn.accepted());
    expect(sent?.body).toMatchObject({ data: { status: 'expired' } });
  });

  it('counts a timeout as a failure and retries it', async () => {
    const id = await publishNew('酸奶发酵剂国产化替代需求');
    standIn.next('timeout');
    await sync(syncConfig({ MKJ_SYNC_TIMEOUT_MS: 300 }));
    const failed = await syncState('listing', id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, last_error: s.errors.timeout(300) });
    expect(requestsFor('listing', id).map((r) => r.status)).toEqual([null]);

    await makeDue();
    await sync();
    expect(await syncState('listing', id)).toMatchObject({ status: 'synced', attempts: 0 });
    expect(requestsFor('listing', id, standIn.accepted())).toHaveLength(1);
  });

  it('retries a rejection (400) a few times, then stops until staff retry it', async () => {
    const id = await publishNew('乳制品包装材料可降解替代需求');
    standIn.next('reject', PERMANENT_AFTER);
    for (let attempt = 1; attempt <= PERMANENT_AFTER; attempt++) {
      await makeDue();
      await sync();
      expect(await syncState('listing', id)).toMatchObject({ status: 'failed', attempts: attempt });
    }
    // Closed: no open row any more, so nothing is retried automatically.
    expect(await openRows('listing', id)).toEqual([]);
    const state = await syncState('listing', id);
    expect(state?.last_error).toContain('HTTP 400');
    expect(state?.last_error).toContain(s.errors.permanent);
    await makeDue();
    await sync();
    expect(requestsFor('listing', id)).toHaveLength(PERMANENT_AFTER);
  });

  it('marks a wrong token failed with the error, and an unreachable 蒙科聚 blocks no user action', async () => {
    const id = await publishNew('乳粉喷雾干燥节能改造需求');
    await sync(syncConfig({ MKJ_SYNC_TOKEN: 'wrong-token' }));
    const state = await syncState('listing', id);
    expect(state).toMatchObject({ status: 'failed', attempts: 1 });
    expect(state?.last_error).toBe(s.errors.http(401, '{"error":"invalid token"}'));
    expect(requestsFor('listing', id)[0]?.authorization).toBe('Bearer wrong-token');

    // Nothing listens on this port.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = syncConfig({ MKJ_SYNC_URL: `http://127.0.0.1:${port}/api/county-sync` });
    const other = await publishNew('牧草青贮品质提升技术需求');
    await makeDue();
    await sync(unreachable);
    expect((await syncState('listing', other))?.last_error).toMatch(/^无法连接蒙科聚：/);
    await withdraw(other);
    expect(
      (
        await handle.db
          .selectFrom('listing')
          .select('status')
          .where('id', '=', other)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('withdrawn');
  });

  it('with no MKJ_SYNC_URL sends nothing: records stay pending, user actions succeed', async () => {
    const off: Config = { ...ctx.config, MKJ_SYNC_URL: undefined, MKJ_SYNC_TOKEN: undefined };
    const id = await publishNew('乳企能源管理数字化需求');
    const task = mkjSyncTask(off);
    expect(await task.run({ db: handle.db, search: ctx.search, logger: ctx.logger, now: new Date() })).toBe(
      0,
    );
    expect(standIn.requests).toEqual([]);
    expect(await syncState('listing', id)).toMatchObject({ status: 'pending' });
    expect(await openRows('listing', id)).toHaveLength(1);
    expect(await openRows('listing', id)).toMatchObject([{ attempts: 0 }]);
  });

  it('sends one request per record even when several of its rows are due in one batch', async () => {
    const id = await publishNew('乳品企业污水处理提标需求');
    standIn.next('fail');
    await sync();
    // The first row was claimed (it may be in flight): a change now queues a second one.
    await queueSync(handle.db, 'listing', id);
    expect(await openRows('listing', id)).toHaveLength(2);
    await makeDue();
    await sync();
    expect(requestsFor('listing', id).map((r) => r.status)).toEqual([500, 200]);
    expect(await openRows('listing', id)).toEqual([]);
    expect(MKJ_BATCH).toBeGreaterThan(1);
  });
});

describe('the failures page', () => {
  let cookie: string;
  let ownerCookie: string;

  beforeAll(async () => {
    cookie = (
      await createSession(ctx.db, ctx.config, { userId: reviewer.userId, ip: null, userAgent: null })
    ).cookie.split(';')[0]!;
    ownerCookie = (
      await createSession(ctx.db, ctx.config, { userId: owner.userId, ip: null, userAgent: null })
    ).cookie.split(';')[0]!;
  });

  function args(config: Config, init: { cookie: string; form?: Record<string, string> }) {
    const request = new Request('http://localhost/bureau/mkj/sync', {
      method: init.form ? 'POST' : 'GET',
      headers: { Cookie: init.cookie },
      body: init.form ? new URLSearchParams(init.form) : undefined,
    });
    return { request, params: {}, context: testContext(handle, { config }) };
  }

  async function post(form: Record<string, string>, config = syncConfig()) {
    const result = (await action(args(config, { cookie, form }) as ActionFunctionArgs)) as unknown;
    const wrapped = result as { init?: { status?: number } | null; data?: unknown };
    return wrapped && typeof wrapped === 'object' && 'init' in wrapped
      ? { status: wrapped.init?.status ?? 200, body: wrapped.data as Record<string, string> }
      : { status: 200, body: result as Record<string, string> };
  }

  it('lists failed records with their error and attempts, retries one and all', async () => {
    const first = await publishNew('乳企冷库节能改造技术需求');
    const second = await publishNew('奶酪成熟工艺数字化需求');
    await makeDue();
    await sync(syncConfig({ MKJ_SYNC_TOKEN: 'wrong-token' }));

    const page = await loader(args(syncConfig(), { cookie }) as LoaderFunctionArgs);
    expect(page.endpoint).toBe(new URL(standIn.url).host);
    expect(page.counts.failed).toBeGreaterThanOrEqual(2);
    const row = page.failed.find((r) => r.type === 'listing' && r.id === first);
    expect(row).toMatchObject({
      name: '乳企冷库节能改造技术需求',
      attempts: 1,
      error: s.errors.http(401, '{"error":"invalid token"}'),
    });
    expect(row?.lastAttemptAt).not.toBeNull();

    // Retry one: its row is due at once, the record pending again; the next run (right token) syncs it.
    expect(await post({ intent: 'retry', type: 'listing', id: String(first) })).toEqual({
      status: 200,
      body: { message: s.retried },
    });
    expect(await syncState('listing', first)).toMatchObject({ status: 'pending' });
    const [due] = await openRows('listing', first);
    expect(due!.available_at.getTime()).toBeLessThanOrEqual(Date.now());
    await sync();
    expect(await syncState('listing', first)).toMatchObject({ status: 'synced' });
    expect(await syncState('listing', second)).toMatchObject({ status: 'failed' });

    // Not failed any more: nothing to retry.
    expect((await post({ intent: 'retry', type: 'listing', id: String(first) })).status).toBe(409);

    // Retry all.
    const failedBefore = (await loader(args(syncConfig(), { cookie }) as LoaderFunctionArgs)).counts.failed;
    expect(await post({ intent: 'retry-all' })).toEqual({
      status: 200,
      body: { message: s.retriedAll(failedBefore) },
    });
    await sync();
    expect(await syncState('listing', second)).toMatchObject({ status: 'synced' });
    const audit = await handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'mkj.sync.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['mkj.sync.retry', 'mkj.sync.retry_all']);
  });

  it('re-queues a record whose automatic retries had stopped', async () => {
    const id = await publishNew('乳清粉高值化利用技术需求');
    standIn.next('reject', PERMANENT_AFTER);
    for (let attempt = 1; attempt <= PERMANENT_AFTER; attempt++) {
      await makeDue();
      await sync();
    }
    expect(await openRows('listing', id)).toEqual([]);
    expect((await post({ intent: 'retry', type: 'listing', id: String(id) })).status).toBe(200);
    expect(await openRows('listing', id)).toHaveLength(1);
    await sync();
    expect(await syncState('listing', id)).toMatchObject({ status: 'synced' });
  });

  it('says when the sync is off, refuses an unknown intent (400) and people without the bureau role (403)', async () => {
    const off: Config = { ...ctx.config, MKJ_SYNC_URL: undefined, MKJ_SYNC_TOKEN: undefined };
    const page = await loader(args(off, { cookie }) as LoaderFunctionArgs);
    expect(page.endpoint).toBeNull();
    expect(await post({ intent: 'nothing' })).toEqual({ status: 400, body: { error: s.unknownIntent } });
    expect((await post({ intent: 'retry', type: 'payment', id: '1' })).status).toBe(400);
    await expect(loader(args(off, { cookie: ownerCookie }) as LoaderFunctionArgs)).rejects.toMatchObject({
      status: 403,
    });
  });
});
