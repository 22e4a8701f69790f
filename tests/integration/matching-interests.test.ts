import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expressInterest,
  interestOf,
  myInterests,
  overdueInterests,
  remindAndFlagInterests,
  respondToInterest,
  withdrawInterest,
} from '../../app/features/matching/interests.server.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import type { SignedIn } from '../../app/server/auth.server.ts';
import type { AppContext } from '../../app/server/context.ts';
import { formatDate } from '../../app/ui/format.ts';
import type { DbHandle } from '../../db/client.ts';
import type { DeclineReason, ListingKind } from '../../db/schema.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';
import { signInAs } from '../support/people.ts';

/*
 * Expressions of interest (意向) against a real database (PGlite, and PostgreSQL with DATABASE_URL): who may
 * express and answer, the deadline with its reminder and overdue flag, the match an acceptance creates, and
 * refusals that leave nothing behind (counted in interest, match, notice, outbox and audit_log).
 */

const t = zhCN.deals.interest;
const e = t.errors;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const IP = '203.0.113.30';
const MESSAGE = '我们是本地乳企，希望引进该成果用于发酵乳生产线改造，可提供中试场地。';

let handle: DbHandle;
let ctx: AppContext;

/* ---------- people and organisations ---------- */

const signedIn = new Map<string, SignedIn>();
async function as(local: string): Promise<SignedIn> {
  const email = `${local}@helin-demo.cn`;
  const cached = signedIn.get(email);
  if (cached) return cached;
  const principal = await signInAs(ctx, email);
  signedIn.set(email, principal);
  return principal;
}

const orgOf = (p: SignedIn) => p.memberships[0]!.organisationId;

/** The active members of an organisation (ids and e-mails), found through the membership table. */
async function membersOf(organisationId: number) {
  return handle.db
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email'])
    .where('m.organisation_id', '=', organisationId)
    .where('m.status', '=', 'active')
    .orderBy('u.id')
    .execute();
}

async function staffIds(): Promise<number[]> {
  const rows = await handle.db
    .selectFrom('platform_role')
    .select('user_id')
    .where('role', 'in', ['bureau_admin', 'bureau_reviewer'])
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/* ---------- listings ---------- */

interface ListingPick {
  id: number;
  title: string;
  organisation_id: number;
}
const taken = new Set<number>();

/** A live listing of the organisation and kind that no earlier test used (each test gets its own). */
async function freshListing(organisationId: number, kind: ListingKind): Promise<ListingPick> {
  const rows = await handle.db
    .selectFrom('listing')
    .select(['id', 'title', 'organisation_id'])
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .where('status', '=', 'published')
    .where('expires_at', '>', new Date())
    .orderBy('id')
    .execute();
  const pick = rows.find((r) => !taken.has(r.id));
  if (!pick) throw new Error(`no more live ${kind} listings of organisation ${organisationId}`);
  taken.add(pick.id);
  return pick;
}

async function listingIn(status: string, kind: ListingKind): Promise<ListingPick> {
  return handle.db
    .selectFrom('listing')
    .select(['id', 'title', 'organisation_id'])
    .where('status', '=', status as never)
    .where('kind', '=', kind)
    .orderBy('id')
    .executeTakeFirstOrThrow();
}

/** An organisation that offers achievements, with its owner and a plain member (both active). */
interface Offerer {
  org: number;
  owner: SignedIn;
  member: SignedIn;
}
const offerers: Offerer[] = [];

/** A live achievement no earlier test used, from one of the offering organisations, with who may answer for it. */
async function freshOffer(): Promise<{ listing: ListingPick } & Offerer> {
  for (const offerer of offerers) {
    try {
      return { listing: await freshListing(offerer.org, 'achievement'), ...offerer };
    } catch {
      // this organisation has no unused achievement left: try the next one
    }
  }
  throw new Error('no more live achievements');
}

/* ---------- interests ---------- */

function express(
  principal: SignedIn,
  listingId: number,
  options: { organisationId?: number; now?: Date; responseDays?: number } = {},
) {
  return expressInterest(handle.db, {
    principal,
    listingId,
    organisationId: options.organisationId ?? orgOf(principal),
    message: MESSAGE,
    ip: IP,
    responseDays: options.responseDays ?? 7,
    now: options.now,
  });
}

async function expressOk(principal: SignedIn, listingId: number, options: { now?: Date } = {}) {
  const r = await express(principal, listingId, options);
  if (!r.ok) throw new Error(`expressInterest refused: ${JSON.stringify(r)}`);
  return r.id;
}

async function interest(id: number) {
  return handle.db.selectFrom('interest').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function respond(
  principal: SignedIn,
  id: number,
  version: number,
  decision: { accept: true } | { accept: false; reason_code: DeclineReason; reason_text: string | null },
  now?: Date,
) {
  return respondToInterest(handle.db, { principal, interestId: id, version, decision, ip: IP, now });
}

/* ---------- what was written ---------- */

const COUNTED = ['interest', 'match', 'match_event', 'notice', 'outbox', 'audit_log'] as const;
async function counts(): Promise<Record<(typeof COUNTED)[number], number>> {
  const out = {} as Record<(typeof COUNTED)[number], number>;
  for (const table of COUNTED) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(handle.db);
    out[table] = r.rows[0]!.n;
  }
  return out;
}

/** Runs `run` and checks that it wrote nothing in any of the counted tables. */
async function writesNothing<T>(run: () => Promise<T>): Promise<T> {
  const before = await counts();
  const result = await run();
  expect(await counts()).toEqual(before);
  return result;
}

async function notices(kind: string, title?: string) {
  let q = handle.db
    .selectFrom('notice')
    .select(['user_id', 'title', 'body', 'link'])
    .where('kind', '=', kind)
    .orderBy('user_id');
  if (title !== undefined) q = q.where('title', '=', title);
  return q.execute();
}

async function mails(aggregateType: string, aggregateId: number) {
  const rows = await handle.db
    .selectFrom('outbox')
    .select(['topic', 'payload'])
    .where('aggregate_type', '=', aggregateType)
    .where('aggregate_id', '=', String(aggregateId))
    .orderBy('id')
    .execute();
  return rows as unknown as { topic: string; payload: { to: string; subject: string; text: string } }[];
}

async function auditActions(entityId: number) {
  const rows = await handle.db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_type', '=', 'interest')
    .where('entity_id', '=', String(entityId))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}

/* ---------- the cast ---------- */

let enterprise: SignedIn; // owner-chilechuan-dairy: a verified enterprise with demands and scenarios
let enterpriseMember: SignedIn; // member-chilechuan-dairy
let university: SignedIn; // owner-beijiang-univ: a verified university with achievements
let universityMember: SignedIn; // member-beijiang-univ
let outsider: SignedIn; // owner-muge-dairy: a verified enterprise that has nothing to do with it
let unverified: SignedIn; // owner-xinmu-feed: organisation pending verification
let enterpriseOrg: number;
let universityOrg: number;

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  ctx = testContext(handle);
  enterprise = await as('owner-chilechuan-dairy');
  enterpriseMember = await as('member-chilechuan-dairy');
  university = await as('owner-beijiang-univ');
  universityMember = await as('member-beijiang-univ');
  outsider = await as('owner-muge-dairy');
  unverified = await as('owner-xinmu-feed');
  enterpriseOrg = orgOf(enterprise);
  universityOrg = orgOf(university);
  expect(orgOf(enterpriseMember)).toBe(enterpriseOrg);
  expect(orgOf(universityMember)).toBe(universityOrg);
  offerers.push({ org: universityOrg, owner: university, member: universityMember });
  for (const key of ['saishang-univ', 'dairy-institute']) {
    const owner = await as(`owner-${key}`);
    const member = await as(`member-${key}`);
    expect(orgOf(member)).toBe(orgOf(owner));
    offerers.push({ org: orgOf(owner), owner, member });
  }
});
afterAll(() => handle.close());

describe('expressing interest', () => {
  it('creates a pending interest due in 7 days and tells every active member of the listing organisation', async () => {
    const { listing, org } = await freshOffer();
    const now = new Date();
    const before = await counts();
    const id = await expressOk(enterprise, listing.id, { now });

    const row = await interest(id);
    expect(row).toMatchObject({
      listing_id: listing.id,
      requester_user_id: enterprise.userId,
      requester_org_id: enterpriseOrg,
      message: MESSAGE,
      status: 'pending',
      version: 1,
      responded_at: null,
      reminded_at: null,
      overdue_flagged_at: null,
    });
    expect(new Date(row.respond_by).getTime()).toBe(now.getTime() + 7 * DAY);

    const members = await membersOf(org);
    expect(members.length).toBe(2);
    const received = await notices('interest.received', t.notices.receivedTitle(listing.title));
    expect(received.map((n) => n.user_id)).toEqual(members.map((m) => m.id));
    expect(received[0]).toMatchObject({ body: t.notices.receivedBody(7), link: '/my/interests' });

    const sent = await mails('interest', id);
    expect(sent.map((m) => m.topic)).toEqual(['mail', 'mail']);
    expect(sent.map((m) => m.payload.to).sort()).toEqual(members.map((m) => m.email).sort());
    expect(sent[0]!.payload.subject).toBe(t.notices.receivedTitle(listing.title));
    expect(sent[0]!.payload.text).toContain(MESSAGE);

    expect(await auditActions(id)).toEqual(['interest.create']);
    expect(await counts()).toEqual({
      ...before,
      interest: before.interest + 1,
      notice: before.notice + 2,
      outbox: before.outbox + 2,
      audit_log: before.audit_log + 1,
    });
  });

  it('lets a plain member express interest for their organisation in a demand', async () => {
    const demand = await freshListing(enterpriseOrg, 'demand');
    const id = await expressOk(universityMember, demand.id);
    expect(await interest(id)).toMatchObject({
      requester_user_id: universityMember.userId,
      requester_org_id: universityOrg,
      status: 'pending',
    });
    expect(await interestOf(handle.db, university, demand.id)).toEqual({ id, status: 'pending' });
    expect(await interestOf(handle.db, outsider, demand.id)).toBeNull();
    expect(await interestOf(handle.db, null, demand.id)).toBeNull();
  });

  it("refuses interest in one's own organisation's listing (400), writing nothing", async () => {
    const own = await freshListing(enterpriseOrg, 'scenario');
    const r = await writesNothing(() => express(enterpriseMember, own.id));
    expect(r).toEqual({ ok: false, status: 400, formError: e.own });
  });

  it('refuses listings that are not live: withdrawn, submitted, expired (409) or missing (404)', async () => {
    for (const status of ['withdrawn', 'submitted', 'expired']) {
      const listing = await listingIn(status, 'achievement');
      expect(listing.organisation_id).not.toBe(enterpriseOrg);
      const r = await writesNothing(() => express(enterprise, listing.id));
      expect(r, status).toEqual({ ok: false, status: 409, formError: e.notLive });
    }
    const missing = await writesNothing(() => express(enterprise, 987_654));
    expect(missing).toEqual({ ok: false, status: 404, formError: e.notLive });
  });

  it('refuses a second interest of the same organisation in the same listing (409), keeping one row', async () => {
    const { listing } = await freshOffer();
    await expressOk(enterprise, listing.id);
    const r = await writesNothing(() => express(enterpriseMember, listing.id));
    expect(r).toEqual({ ok: false, status: 409, formError: e.twice });
    const rows = await handle.db
      .selectFrom('interest')
      .select('id')
      .where('listing_id', '=', listing.id)
      .execute();
    expect(rows.length).toBe(1);
  });

  it('refuses two simultaneous interests of one organisation in one listing: one row, one 409', async () => {
    const { listing } = await freshOffer();
    const before = await counts();
    const results = await Promise.all([
      express(enterprise, listing.id),
      express(enterpriseMember, listing.id),
    ]);
    expect(results.filter((r) => r.ok).length).toBe(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, status: 409, formError: e.twice }]);
    const after = await counts();
    expect(after.interest).toBe(before.interest + 1);
    expect(after.notice).toBe(before.notice + 2);
    expect(after.audit_log).toBe(before.audit_log + 1);
  });

  it('refuses members of an unverified organisation, and organisations one is not a member of (403)', async () => {
    const { listing } = await freshOffer();
    expect(unverified.memberships).toEqual([expect.objectContaining({ verified: false })]);
    const r = await writesNothing(() => express(unverified, listing.id));
    expect(r).toEqual({ ok: false, status: 403, formError: e.notVerified });
    const foreign = await writesNothing(() =>
      express(enterprise, listing.id, { organisationId: orgOf(outsider) }),
    );
    expect(foreign).toEqual({ ok: false, status: 403, formError: e.notVerified });
  });
});

describe('answering an interest', () => {
  it('cannot be done by another organisation, nor by the requester (404), nothing written', async () => {
    const { listing, owner } = await freshOffer();
    const id = await expressOk(enterprise, listing.id);
    for (const who of [outsider, enterprise]) {
      const r = await writesNothing(() => respond(who, id, 1, { accept: true }));
      expect(r).toEqual({ ok: false, status: 404, formError: e.notFound });
    }
    const missing = await writesNothing(() => respond(owner, 987_654, 1, { accept: true }));
    expect(missing).toEqual({ ok: false, status: 404, formError: e.notFound });
    expect((await interest(id)).status).toBe('pending');
  });

  it('declines with a reason code: the requester is told the reason, and sees it in 我的意向', async () => {
    const { listing, member } = await freshOffer();
    const id = await expressOk(enterprise, listing.id);
    const r = await respond(member, id, 1, { accept: false, reason_code: 'price', reason_text: null });
    expect(r).toEqual({ ok: true, matchId: null });

    const row = await interest(id);
    expect(row).toMatchObject({
      status: 'declined',
      decline_code: 'price',
      decline_text: null,
      responded_by: member.userId,
      version: 2,
    });
    expect(row.responded_at).not.toBeNull();
    const label = zhCN.matching.declineReason.price;
    const title = t.notices.declinedTitle(listing.title);
    const told = await notices('interest.declined', title);
    expect(told).toEqual([
      { user_id: enterprise.userId, title, body: t.notices.declinedBody(label), link: '/my/interests' },
    ]);
    expect(told[0]!.body).toContain(label);
    const sent = await mails('interest', id);
    expect(sent.at(-1)!.payload).toMatchObject({ to: enterprise.email, subject: title });
    expect(sent.at(-1)!.payload.text).toContain(label);
    expect(await auditActions(id)).toEqual(['interest.create', 'interest.decline']);
    expect(await handle.db.selectFrom('match').select('id').where('interest_id', '=', id).execute()).toEqual(
      [],
    );

    const mine = await myInterests(handle.db, enterpriseMember);
    expect(mine.sent.find((i) => i.id === id)).toMatchObject({
      status: 'declined',
      declineLabel: label,
      match_id: null,
    });
  });

  it('shows the text of an "other" decline after its label', async () => {
    const { listing, owner } = await freshOffer();
    const id = await expressOk(enterprise, listing.id);
    const r = await respond(owner, id, 1, {
      accept: false,
      reason_code: 'other',
      reason_text: '团队正在进行产权转让',
    });
    expect(r.ok).toBe(true);
    const [told] = await notices('interest.declined', t.notices.declinedTitle(listing.title));
    expect(told!.body).toBe(
      t.notices.declinedBody(`${zhCN.matching.declineReason.other}：团队正在进行产权转让`),
    );
    expect((await interest(id)).decline_text).toBe('团队正在进行产权转让');
  });

  it('accepts an interest in an achievement: a match with the listing organisation on the offer side', async () => {
    const { listing, owner, org } = await freshOffer();
    const id = await expressOk(enterprise, listing.id);
    const now = new Date();
    const r = await respond(owner, id, 1, { accept: true }, now);
    if (!r.ok || r.matchId === null) throw new Error(JSON.stringify(r));

    expect(await interest(id)).toMatchObject({ status: 'accepted', decline_code: null, version: 2 });
    const match = await handle.db
      .selectFrom('match')
      .selectAll()
      .where('id', '=', r.matchId)
      .executeTakeFirstOrThrow();
    expect(match).toMatchObject({
      state: 'accepted',
      source: 'interest',
      interest_id: id,
      need_listing_id: null,
      offer_listing_id: listing.id,
      need_org_id: enterpriseOrg,
      offer_org_id: org,
      manager_user_id: null,
      version: 1,
    });
    expect(new Date(match.need_accepted_at!).getTime()).toBe(now.getTime());
    expect(new Date(match.offer_accepted_at!).getTime()).toBe(now.getTime());

    const events = await handle.db
      .selectFrom('match_event')
      .selectAll()
      .where('match_id', '=', r.matchId)
      .execute();
    expect(events).toEqual([
      expect.objectContaining({
        type: 'created_from_interest',
        from_state: null,
        to_state: 'accepted',
        actor_user_id: owner.userId,
        actor_role: 'party',
      }),
    ]);
    const told = await notices('interest.accepted', t.notices.acceptedTitle(listing.title));
    expect(told).toEqual([
      expect.objectContaining({ user_id: enterprise.userId, link: `/matches/${r.matchId}` }),
    ]);
    expect(await auditActions(id)).toEqual(['interest.create', 'interest.accept']);
    const mine = await myInterests(handle.db, enterprise);
    expect(mine.sent.find((i) => i.id === id)).toMatchObject({ status: 'accepted', match_id: r.matchId });
  });

  it('accepts an interest in a demand: the listing organisation is the need side', async () => {
    const demand = await freshListing(enterpriseOrg, 'demand');
    const id = await expressOk(university, demand.id);
    const r = await respond(enterpriseMember, id, 1, { accept: true });
    if (!r.ok || r.matchId === null) throw new Error(JSON.stringify(r));
    const match = await handle.db
      .selectFrom('match')
      .selectAll()
      .where('id', '=', r.matchId)
      .executeTakeFirstOrThrow();
    expect(match).toMatchObject({
      state: 'accepted',
      need_listing_id: demand.id,
      offer_listing_id: null,
      need_org_id: enterpriseOrg,
      offer_org_id: universityOrg,
    });
  });

  it('refuses a second answer (409 notPending) and a stale version (409 stale), changing nothing', async () => {
    const first = await freshOffer();
    const answered = await expressOk(enterprise, first.listing.id);
    expect((await respond(first.owner, answered, 1, { accept: true })).ok).toBe(true);
    for (const decision of [
      { accept: true } as const,
      { accept: false, reason_code: 'not_fit', reason_text: null } as const,
    ]) {
      const again = await writesNothing(() => respond(first.member, answered, 2, decision));
      expect(again).toEqual({ ok: false, status: 409, formError: e.notPending });
    }

    const second = await freshOffer();
    const pending = await expressOk(enterprise, second.listing.id);
    const before = await interest(pending);
    for (const version of [0, 2]) {
      const stale = await writesNothing(() => respond(second.owner, pending, version, { accept: true }));
      expect(stale).toEqual({ ok: false, status: 409, formError: e.stale });
    }
    expect(await interest(pending)).toEqual(before);
  });

  it('two answers sent at the same moment: one succeeds, one is refused, exactly one match', async () => {
    const { listing, owner, member } = await freshOffer();
    const id = await expressOk(enterprise, listing.id);
    const results = await Promise.all([
      respond(owner, id, 1, { accept: true }),
      respond(member, id, 1, { accept: true }),
    ]);
    expect(results.filter((r) => r.ok).length).toBe(1);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toEqual([{ ok: false, status: 409, formError: expect.any(String) }]);
    expect([e.notPending, e.stale]).toContain((refused[0] as { formError: string }).formError);
    const matches = await handle.db.selectFrom('match').select('id').where('interest_id', '=', id).execute();
    expect(matches.length).toBe(1);
    expect(await interest(id)).toMatchObject({ status: 'accepted', version: 2 });
    expect(await auditActions(id)).toEqual(['interest.create', 'interest.accept']);
  });

  it('an accept and a decline at the same moment: exactly one of them happens', async () => {
    const { listing, owner, member } = await freshOffer();
    const id = await expressOk(enterprise, listing.id);
    const results = await Promise.all([
      respond(owner, id, 1, { accept: true }),
      respond(member, id, 1, { accept: false, reason_code: 'immature', reason_text: null }),
    ]);
    expect(results.filter((r) => r.ok).length).toBe(1);
    const row = await interest(id);
    const matches = await handle.db.selectFrom('match').select('id').where('interest_id', '=', id).execute();
    expect(matches.length).toBe(row.status === 'accepted' ? 1 : 0);
    expect(row.version).toBe(2);
    expect((await auditActions(id)).length).toBe(2);
  });
});

describe('withdrawing an interest', () => {
  const withdraw = (principal: SignedIn, interestId: number, version: number) =>
    withdrawInterest(handle.db, { principal, interestId, version, ip: IP });

  it('is done by a member of the requesting organisation while pending; then it may be expressed again', async () => {
    const { listing, owner } = await freshOffer();
    const id = await expressOk(enterprise, listing.id);
    expect(await writesNothing(() => withdraw(owner, id, 1))).toEqual({
      ok: false,
      status: 404,
      formError: e.notFound,
    });
    expect(await writesNothing(() => withdraw(enterprise, id, 2))).toEqual({
      ok: false,
      status: 409,
      formError: e.stale,
    });

    expect(await withdraw(enterpriseMember, id, 1)).toEqual({ ok: true });
    expect(await interest(id)).toMatchObject({ status: 'withdrawn', version: 2, responded_at: null });
    expect(await auditActions(id)).toEqual(['interest.create', 'interest.withdraw']);
    expect(await writesNothing(() => withdraw(enterprise, id, 2))).toEqual({
      ok: false,
      status: 409,
      formError: e.notPending,
    });

    // The owner no longer sees it; the requester still does; a new interest is possible.
    expect((await myInterests(handle.db, owner)).received.map((i) => i.id)).not.toContain(id);
    expect((await myInterests(handle.db, enterprise)).sent.find((i) => i.id === id)?.status).toBe(
      'withdrawn',
    );
    expect(await interestOf(handle.db, enterprise, listing.id)).toBeNull();
    const again = await expressOk(enterprise, listing.id);
    expect(again).not.toBe(id);
    expect(await interestOf(handle.db, enterprise, listing.id)).toEqual({ id: again, status: 'pending' });
  });

  it('is refused once the interest has been answered (409 notPending)', async () => {
    const { listing, owner } = await freshOffer();
    const id = await expressOk(enterprise, listing.id);
    expect((await respond(owner, id, 1, { accept: true })).ok).toBe(true);
    expect(await writesNothing(() => withdraw(enterprise, id, 2))).toEqual({
      ok: false,
      status: 409,
      formError: e.notPending,
    });
    expect((await interest(id)).status).toBe('accepted');
  });
});

describe('我的意向', () => {
  it('lists received interests (pending first) and sent ones, with overdue flags from the deadline', async () => {
    const { listing, member } = await freshOffer();
    const id = await expressOk(enterprise, listing.id);
    const respondBy = new Date((await interest(id)).respond_by).getTime();

    const early = await myInterests(handle.db, member, new Date(respondBy - HOUR));
    expect(early.received.find((i) => i.id === id)).toMatchObject({
      status: 'pending',
      overdue: false,
      listing_id: listing.id,
      listing_title: listing.title,
      listing_kind: 'achievement',
      requester_type: 'enterprise',
      declineLabel: null,
      match_id: null,
    });
    const statuses = early.received.map((i) => i.status);
    const firstAnswered = statuses.findIndex((s) => s !== 'pending');
    if (firstAnswered >= 0) expect(statuses.slice(firstAnswered)).not.toContain('pending');
    expect(early.sent.map((i) => i.id)).not.toContain(id);

    const late = await myInterests(handle.db, enterprise, new Date(respondBy + HOUR));
    expect(late.sent.find((i) => i.id === id)).toMatchObject({ status: 'pending', overdue: true });
    expect(late.received.map((i) => i.id)).not.toContain(id);
    // Answered interests are never overdue.
    expect(late.sent.filter((i) => i.status !== 'pending').every((i) => !i.overdue)).toBe(true);
    expect(late.sent.some((i) => i.status !== 'pending')).toBe(true);

    const nobody = await as('member-jingrui-silicon'); // membership only requested: no active organisation
    expect(nobody.memberships).toEqual([]);
    expect(await myInterests(handle.db, nobody)).toEqual({ received: [], sent: [] });
    expect(await interestOf(handle.db, nobody, listing.id)).toBeNull();
  });
});

describe('deadlines: the reminder and the overdue flag', () => {
  let offer: Awaited<ReturnType<typeof freshOffer>>;
  let id: number;
  let respondBy: number;

  beforeAll(async () => {
    // Created 30 days ago, so that its deadline lies before every other interest's reminder window.
    offer = await freshOffer();
    id = await expressOk(enterprise, offer.listing.id, { now: new Date(Date.now() - 30 * DAY) });
    respondBy = new Date((await interest(id)).respond_by).getTime();
  });

  it('sends nothing before the reminder window', async () => {
    const r = await writesNothing(() => remindAndFlagInterests(handle.db, new Date(respondBy - 72 * HOUR)));
    expect(r).toBe(0);
  });

  it('reminds every active member once, 24 hours before the deadline', async () => {
    const now = new Date(respondBy - 24 * HOUR);
    const title = t.notices.dueTitle(offer.listing.title);
    expect(await remindAndFlagInterests(handle.db, now)).toBe(1);
    const members = await membersOf(offer.org);
    const due = await notices('interest.due', title);
    expect(due.map((n) => n.user_id)).toEqual(members.map((m) => m.id));
    expect(due[0]!.body).toBe(t.notices.dueBody(formatDate(new Date(respondBy))));
    const dueMails = (await mails('interest', id)).filter((m) => m.payload.subject === title);
    expect(dueMails.map((m) => m.payload.to).sort()).toEqual(members.map((m) => m.email).sort());
    expect(new Date((await interest(id)).reminded_at!).getTime()).toBe(now.getTime());

    // A second run (the same moment, or an hour later) sends nothing more.
    for (const later of [now, new Date(now.getTime() + HOUR)]) {
      await writesNothing(() => remindAndFlagInterests(handle.db, later));
    }
    expect((await notices('interest.due', title)).length).toBe(members.length);
  });

  it('is not overdue at the deadline itself; after it, overdueInterests lists it', async () => {
    expect((await overdueInterests(handle.db, new Date(respondBy))).map((i) => i.id)).not.toContain(id);
    const overdue = await overdueInterests(handle.db, new Date(respondBy + HOUR));
    expect(overdue.find((i) => i.id === id)).toMatchObject({
      listing_id: offer.listing.id,
      title: offer.listing.title,
    });
  });

  it('flags it once after the deadline: to the owner organisation (with mail) and to bureau staff (notice only)', async () => {
    const now = new Date(respondBy + HOUR);
    const title = t.notices.overdueTitle(offer.listing.title);
    const mailsBefore = (await mails('interest', id)).length;
    expect(await remindAndFlagInterests(handle.db, now)).toBe(1);

    const members = await membersOf(offer.org);
    const staff = await staffIds();
    expect(staff.length).toBe(2);
    const flagged = await notices('interest.overdue', title);
    expect(flagged.map((n) => n.user_id).sort((a, b) => a - b)).toEqual(
      [...members.map((m) => m.id), ...staff].sort((a, b) => a - b),
    );
    expect(flagged.find((n) => n.user_id === staff[0])!.link).toBe('/bureau/matching');
    expect(flagged.find((n) => n.user_id === members[0]!.id)!.link).toBe('/my/interests');
    const newMails = (await mails('interest', id)).slice(mailsBefore);
    expect(newMails.map((m) => m.payload.to).sort()).toEqual(members.map((m) => m.email).sort());
    expect(new Date((await interest(id)).overdue_flagged_at!).getTime()).toBe(now.getTime());

    for (const later of [now, new Date(now.getTime() + DAY)]) {
      await writesNothing(() => remindAndFlagInterests(handle.db, later));
    }
    expect((await notices('interest.overdue', title)).length).toBe(members.length + staff.length);
  });

  it('is no longer overdue once answered', async () => {
    const r = await respond(offer.owner, id, 1, {
      accept: false,
      reason_code: 'has_partner',
      reason_text: null,
    });
    expect(r.ok).toBe(true);
    expect((await overdueInterests(handle.db, new Date(respondBy + HOUR))).map((i) => i.id)).not.toContain(
      id,
    );
    const mine = await myInterests(handle.db, enterprise, new Date(respondBy + HOUR));
    expect(mine.sent.find((i) => i.id === id)).toMatchObject({ status: 'declined', overdue: false });
  });

  it('flags an interest that was never reminded, and sends no reminder afterwards', async () => {
    const other = await freshOffer();
    const otherId = await expressOk(enterprise, other.listing.id, { now: new Date(Date.now() - 29 * DAY) });
    const deadline = new Date((await interest(otherId)).respond_by).getTime();
    expect(await remindAndFlagInterests(handle.db, new Date(deadline + HOUR))).toBe(1);
    const row = await interest(otherId);
    expect(row.reminded_at).toBeNull();
    expect(row.overdue_flagged_at).not.toBeNull();
    expect(await notices('interest.due', t.notices.dueTitle(other.listing.title))).toEqual([]);
    await writesNothing(() => remindAndFlagInterests(handle.db, new Date(deadline + 2 * HOUR)));
    expect((await respond(other.owner, otherId, 1, { accept: true })).ok).toBe(true);
  });

  it('is not starved by 100 overdue interests that were flagged but never reminded', async () => {
    // 100 old pending interests of one requester, flagged overdue but never reminded (the worker was down).
    const requesterOrg = orgOf(await as('owner-guanzhong-univ'));
    const requester = (await membersOf(requesterOrg))[0]!.id;
    const longAgo = new Date(Date.now() - 60 * DAY);
    await sql`
      insert into interest
        (listing_id, requester_user_id, requester_org_id, message, respond_by, overdue_flagged_at, created_at)
      select l.id, ${requester}, ${requesterOrg}, ${MESSAGE}, ${longAgo}, ${longAgo}, ${longAgo}
        from listing l
       where l.organisation_id <> ${requesterOrg} and l.status = 'published'
       order by l.id
       limit 100`.execute(handle.db);
    try {
      const fresh = await freshOffer();
      const freshId = await expressOk(enterprise, fresh.listing.id, { now: new Date(Date.now() - 20 * DAY) });
      const deadline = new Date((await interest(freshId)).respond_by).getTime();
      await remindAndFlagInterests(handle.db, new Date(deadline - 24 * HOUR));
      expect((await interest(freshId)).reminded_at).not.toBeNull();
      expect((await notices('interest.due', t.notices.dueTitle(fresh.listing.title))).length).toBe(2);
      await respond(fresh.owner, freshId, 1, { accept: false, reason_code: 'not_fit', reason_text: null });
    } finally {
      await handle.db.deleteFrom('interest').where('requester_org_id', '=', requesterOrg).execute();
    }
  });
});
