import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressInterest, respondToInterest } from '../../app/features/matching/interests.server.ts';
import { decideErrorMessage, type MatchAction } from '../../app/features/matching/match-state.ts';
import {
  actOnMatch,
  assignManager,
  logActivity,
  type MatchActionInput,
  proposeMatch,
  rolesIn,
} from '../../app/features/matching/matches.server.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import type { SignedIn } from '../../app/server/auth.server.ts';
import type { AppContext } from '../../app/server/context.ts';
import type { DbHandle } from '../../db/client.ts';
import type { ListingKind, MatchActor, MatchState } from '../../db/schema.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';
import { signInAs } from '../support/people.ts';

/*
 * Matches (对接) against a real database (PGlite, and PostgreSQL with DATABASE_URL): a technology manager's
 * proposal that both sides accept, the path to a signed and registered contract with one event per step,
 * refusals (state, actor, outsiders, stale versions) that leave nothing behind, two simultaneous updates of one
 * match, and the managers' assignment and activity log.
 */

const m = zhCN.deals.match;
const e = m.errors;
const IP = '203.0.113.31';
const CONTRACT = { contract_type: 'license', amount_wan: 120.5, signed_on: '2026-11-20' } as const;
const REGISTRATION = {
  registration_no: '2026150123000045',
  certified_amount_wan: 118,
  registered_on: '2026-11-25',
  office: '呼和浩特市技术市场管理办公室',
} as const;

let handle: DbHandle;
let ctx: AppContext;

/* ---------- people ---------- */

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

async function memberIds(organisationId: number): Promise<number[]> {
  const rows = await handle.db
    .selectFrom('membership')
    .select('user_id')
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'active')
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** An organisation with its owner and a plain member, both active. */
interface Side {
  org: number;
  owner: SignedIn;
  member: SignedIn;
}
async function side(key: string): Promise<Side> {
  const owner = await as(`owner-${key}`);
  const member = await as(`member-${key}`);
  expect(orgOf(member)).toBe(orgOf(owner));
  return { org: orgOf(owner), owner, member };
}

/* ---------- listings ---------- */

interface ListingPick {
  id: number;
  title: string;
}
const taken = new Set<number>();

/** A live listing of one of the organisations and of the kind, that no earlier test used. */
async function fresh(
  organisations: readonly Side[],
  kind: ListingKind,
): Promise<ListingPick & { side: Side }> {
  for (const s of organisations) {
    const rows = await handle.db
      .selectFrom('listing')
      .select(['id', 'title'])
      .where('organisation_id', '=', s.org)
      .where('kind', '=', kind)
      .where('status', '=', 'published')
      .where('expires_at', '>', new Date())
      .orderBy('id')
      .execute();
    const pick = rows.find((r) => !taken.has(r.id));
    if (pick) {
      taken.add(pick.id);
      return { ...pick, side: s };
    }
  }
  throw new Error(`no more live ${kind} listings`);
}

async function listingWhere(
  status: string,
  kind: ListingKind,
  organisationId?: number,
): Promise<ListingPick> {
  let q = handle.db
    .selectFrom('listing')
    .select(['id', 'title'])
    .where('status', '=', status as never)
    .where('kind', '=', kind);
  if (organisationId !== undefined) q = q.where('organisation_id', '=', organisationId);
  return q.orderBy('id').executeTakeFirstOrThrow();
}

/* ---------- matches ---------- */

function propose(principal: SignedIn, needListingId: number, offerListingId: number, note = '') {
  return proposeMatch(handle.db, { principal, needListingId, offerListingId, note, ip: IP });
}

async function matchRow(id: number) {
  return handle.db.selectFrom('match').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function versionOf(id: number): Promise<number> {
  return (await matchRow(id)).version;
}

/** actOnMatch at the match's current version (or the one given). */
async function act(principal: SignedIn, matchId: number, input: MatchActionInput, version?: number) {
  return actOnMatch(handle.db, {
    principal,
    matchId,
    version: version ?? (await versionOf(matchId)),
    act: input,
    ip: IP,
  });
}

async function actOk(principal: SignedIn, matchId: number, input: MatchActionInput): Promise<MatchState> {
  const r = await act(principal, matchId, input);
  if (!r.ok) throw new Error(`${input.action} refused: ${JSON.stringify(r)}`);
  return r.state;
}

async function events(matchId: number) {
  return handle.db
    .selectFrom('match_event')
    .select(['type', 'from_state', 'to_state', 'actor_user_id', 'actor_role', 'note'])
    .where('match_id', '=', matchId)
    .orderBy('id')
    .execute();
}

/** The message decide() gives for a refusal. */
function refusal(
  code: 'not_allowed_from_state' | 'actor_not_allowed' | 'already_accepted',
  state: MatchState,
  action: MatchAction,
  actor: MatchActor,
  matchSide?: 'need' | 'offer',
) {
  return decideErrorMessage(code, { state, action, actor, side: matchSide });
}

/* ---------- what was written ---------- */

const COUNTED = [
  'interest',
  'match',
  'match_event',
  'match_activity',
  'notice',
  'outbox',
  'audit_log',
] as const;
type Counts = Record<(typeof COUNTED)[number], number>;
async function counts(): Promise<Counts> {
  const out = {} as Counts;
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

async function noticesAbout(matchId: number, kind: string) {
  return handle.db
    .selectFrom('notice')
    .select(['user_id', 'title', 'body'])
    .where('kind', '=', kind)
    .where('link', '=', `/matches/${matchId}`)
    .orderBy('user_id')
    .orderBy('id')
    .execute();
}

async function mailsTo(aggregateId: string | number) {
  const rows = await handle.db
    .selectFrom('outbox')
    .select(['topic', 'payload'])
    .where('aggregate_type', '=', 'match')
    .where('aggregate_id', '=', String(aggregateId))
    .orderBy('id')
    .execute();
  return rows as unknown as { topic: string; payload: { to: string; subject: string } }[];
}

async function auditActions(matchId: number): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_type', '=', 'match')
    .where('entity_id', '=', String(matchId))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}

/* ---------- the cast ---------- */

let need: Side; // chilechuan-dairy: an enterprise with demands and scenarios
let offerers: Side[]; // universities and an institute with achievements
let manager1: SignedIn;
let manager2: SignedIn;
let manager3: SignedIn;
let admin: SignedIn;
let reviewer: SignedIn;
let outsider: SignedIn; // owner-muge-dairy: unrelated verified enterprise
let nobody: SignedIn; // member-jingrui-silicon: membership only requested, so no organisation at all

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  ctx = testContext(handle);
  need = await side('chilechuan-dairy');
  offerers = [await side('beijiang-univ'), await side('saishang-univ'), await side('dairy-institute')];
  manager1 = await as('manager1');
  manager2 = await as('manager2');
  manager3 = await as('manager3');
  admin = await as('admin');
  reviewer = await as('reviewer');
  outsider = await as('owner-muge-dairy');
  nobody = await as('member-jingrui-silicon');
  expect(nobody.memberships).toEqual([]);
});
afterAll(() => handle.close());

/** A match created the other way: an enterprise's interest in an achievement, accepted by its owner. */
async function matchFromInterest(): Promise<{ id: number; offer: Side }> {
  const achievement = await fresh(offerers, 'achievement');
  const expressed = await expressInterest(handle.db, {
    principal: need.owner,
    listingId: achievement.id,
    organisationId: need.org,
    message: '我们希望引进该成果用于生产线改造，可提供中试场地。',
    ip: IP,
    responseDays: 7,
  });
  if (!expressed.ok) throw new Error(JSON.stringify(expressed));
  const accepted = await respondToInterest(handle.db, {
    principal: achievement.side.owner,
    interestId: expressed.id,
    version: 1,
    decision: { accept: true },
    ip: IP,
  });
  if (!accepted.ok || accepted.matchId === null) throw new Error(JSON.stringify(accepted));
  return { id: accepted.matchId, offer: achievement.side };
}

describe('a technology manager proposes a match', () => {
  let demand: ListingPick;
  let achievement: ListingPick & { side: Side };
  let id: number;

  it('between a live demand and a live achievement of two organisations: proposed, both sides told', async () => {
    demand = await fresh([need], 'demand');
    achievement = await fresh(offerers, 'achievement');
    const before = await counts();
    const r = await propose(manager1, demand.id, achievement.id, '双方同属乳业领域，成果就绪度满足中试需求');
    if (!r.ok) throw new Error(JSON.stringify(r));
    id = r.id;

    const row = await matchRow(id);
    expect(row).toMatchObject({
      state: 'proposed',
      source: 'manager',
      interest_id: null,
      need_listing_id: demand.id,
      offer_listing_id: achievement.id,
      need_org_id: need.org,
      offer_org_id: achievement.side.org,
      proposed_by: manager1.userId,
      manager_user_id: manager1.userId,
      need_accepted_at: null,
      offer_accepted_at: null,
      version: 1,
    });
    expect(await events(id)).toEqual([
      {
        type: 'proposed',
        from_state: null,
        to_state: 'proposed',
        actor_user_id: manager1.userId,
        actor_role: 'manager',
        note: '双方同属乳业领域，成果就绪度满足中试需求',
      },
    ]);

    // Each side is told about its own listing only (the other side stays anonymous until both accept).
    const needMembers = await memberIds(need.org);
    const offerMembers = await memberIds(achievement.side.org);
    const told = await noticesAbout(id, 'match.proposed');
    expect(told.length).toBe(needMembers.length + offerMembers.length);
    for (const n of told) {
      expect(n.title).toBe(m.notices.proposedTitle);
      const ownTitle = needMembers.includes(n.user_id) ? demand.title : achievement.title;
      expect(n.body).toBe(m.notices.proposedBody(ownTitle));
    }
    expect((await mailsTo(id)).map((x) => x.topic)).toEqual(told.map(() => 'mail'));
    expect(await auditActions(id)).toEqual(['match.propose']);
    expect(await counts()).toEqual({
      ...before,
      match: before.match + 1,
      match_event: before.match_event + 1,
      notice: before.notice + told.length,
      outbox: before.outbox + told.length,
      audit_log: before.audit_log + 1,
    });
  });

  it('refuses pairs that cannot be matched, with a Chinese message and nothing written', async () => {
    const yunzhong = orgOf(await as('owner-yunzhong-probiotics'));
    const ownDemand = await listingWhere('published', 'demand', yunzhong);
    const ownAchievement = await listingWhere('published', 'achievement', yunzhong);
    const other = await fresh(offerers, 'achievement');
    const otherDemand = await fresh([need], 'demand');
    const withdrawn = await listingWhere('withdrawn', 'achievement');
    const submitted = await listingWhere('submitted', 'demand');
    const cases: [string, number, number, object][] = [
      ['two achievements', other.id, achievement.id, { status: 400, formError: e.sameSide }],
      ['the sides swapped', achievement.id, demand.id, { status: 400, formError: e.sameSide }],
      ['two demands', demand.id, otherDemand.id, { status: 400, formError: e.sameSide }],
      ['one organisation', ownDemand.id, ownAchievement.id, { status: 400, formError: e.sameOrganisation }],
      ['a withdrawn achievement', demand.id, withdrawn.id, { status: 400, formError: e.notLive }],
      ['a submitted demand', submitted.id, other.id, { status: 400, formError: e.notLive }],
      ['a missing listing', 987_654, other.id, { status: 400, formError: e.notLive }],
      [
        'an open proposal of the same pair',
        demand.id,
        achievement.id,
        { status: 409, formError: e.duplicate },
      ],
    ];
    for (const [label, needId, offerId, expected] of cases) {
      const r = await writesNothing(() => propose(manager2, needId, offerId));
      expect(r, label).toEqual({ ok: false, ...expected });
    }
  });

  it('is only for technology managers and bureau staff (403)', async () => {
    const r = await writesNothing(() => propose(need.owner, demand.id, achievement.id));
    expect(r).toEqual({ ok: false, status: 403, formError: e.onlyManagers });
  });

  it('one side accepting leaves it proposed; the same side cannot accept twice; the other side completes it', async () => {
    expect(rolesIn(need.member, await matchRow(id))).toEqual({ party: 'need', manager: false, staff: false });
    expect(rolesIn(manager1, await matchRow(id))).toEqual({ party: null, manager: true, staff: false });

    expect(await act(need.owner, id, { action: 'accept' })).toEqual({ ok: true, state: 'proposed' });
    let row = await matchRow(id);
    expect(row.state).toBe('proposed');
    expect(row.need_accepted_at).not.toBeNull();
    expect(row.offer_accepted_at).toBeNull();
    expect(row.version).toBe(2);
    expect(await noticesAbout(id, 'match.state')).toEqual([]); // nothing changed for the parties yet

    const twice = await writesNothing(() => act(need.member, id, { action: 'accept' }));
    expect(twice).toEqual({
      ok: false,
      status: 409,
      formError: refusal('already_accepted', 'proposed', 'accept', 'party', 'need'),
    });
    expect((twice as { formError: string }).formError).toBe('需求方已接受此对接，请等待对方确认');

    // The manager cannot accept for a side.
    const byManager = await writesNothing(() => act(manager1, id, { action: 'accept' }));
    expect(byManager).toEqual({
      ok: false,
      status: 409,
      formError: refusal('actor_not_allowed', 'proposed', 'accept', 'manager'),
    });

    expect(await act(achievement.side.member, id, { action: 'accept' })).toEqual({
      ok: true,
      state: 'accepted',
    });
    row = await matchRow(id);
    expect(row.state).toBe('accepted');
    expect(row.offer_accepted_at).not.toBeNull();
    expect(row.version).toBe(3);

    // Both organisations and the manager hear of the new state.
    const told = await noticesAbout(id, 'match.state');
    const expected = [
      ...(await memberIds(need.org)),
      ...(await memberIds(achievement.side.org)),
      manager1.userId,
    ];
    expect(told.map((n) => n.user_id)).toEqual(expected.sort((a, b) => a - b));
    expect(told[0]!.title).toBe(m.notices.stateTitle(id, zhCN.matching.state.accepted));
    expect((await mailsTo(`${id}:accepted`)).length).toBe(expected.length);

    expect(await events(id)).toEqual([
      expect.objectContaining({ type: 'proposed' }),
      {
        type: 'accept',
        from_state: 'proposed',
        to_state: 'proposed',
        actor_user_id: need.owner.userId,
        actor_role: 'party',
        note: null,
      },
      {
        type: 'accept',
        from_state: 'proposed',
        to_state: 'accepted',
        actor_user_id: achievement.side.member.userId,
        actor_role: 'party',
        note: null,
      },
    ]);
  });

  describe('the path to a registered contract', () => {
    it('refuses transitions the state machine does not allow, with decide()’s message (409)', async () => {
      const close = await writesNothing(() => act(manager1, id, { action: 'close' }));
      expect(close).toEqual({ ok: false, status: 409, formError: '当前状态“双方已接受”不能执行“完成结项”' });
      const register = await writesNothing(() =>
        act(reviewer, id, { action: 'register', registration: REGISTRATION }),
      );
      expect(register).toEqual({
        ok: false,
        status: 409,
        formError: refusal('not_allowed_from_state', 'accepted', 'register', 'staff'),
      });
      const staffNegotiates = await writesNothing(() => act(admin, id, { action: 'start_negotiation' }));
      expect(staffNegotiates).toEqual({
        ok: false,
        status: 409,
        formError: '科技局工作人员无权执行“开始洽谈”',
      });
    });

    it('hides the match from outsiders (404): an unrelated organisation, a person without organisation', async () => {
      const anonymousLike: SignedIn = {
        userId: nobody.userId,
        platformRoles: [],
        memberships: [],
        sessionIdHash: 'x',
        displayName: '访客',
        email: 'nobody@example.cn',
      };
      for (const who of [outsider, nobody, anonymousLike]) {
        const r = await writesNothing(() => act(who, id, { action: 'start_negotiation' }));
        expect(r).toEqual({ ok: false, status: 404, formError: e.notFound });
      }
      const missing = await writesNothing(() => act(manager1, 987_654, { action: 'withdraw' }, 1));
      expect(missing).toEqual({ ok: false, status: 404, formError: e.notFound });
    });

    it('refuses a stale version (409) without changing anything', async () => {
      const version = await versionOf(id);
      for (const stale of [version - 1, version + 1]) {
        const r = await writesNothing(() => act(need.owner, id, { action: 'start_negotiation' }, stale));
        expect(r).toEqual({ ok: false, status: 409, formError: e.stale });
      }
      expect((await matchRow(id)).state).toBe('accepted');
    });

    it('negotiates (party), signs (manager), registers (staff), executes (party) and closes (manager)', async () => {
      expect(
        await actOk(achievement.side.owner, id, {
          action: 'start_negotiation',
          note: '首次洽谈在北疆农牧大学',
        }),
      ).toBe('negotiating');
      const early = await writesNothing(() =>
        act(manager1, id, { action: 'register', registration: REGISTRATION }),
      );
      expect(early).toEqual({ ok: false, status: 409, formError: '当前状态“洽谈中”不能执行“登记合同”' });

      expect(await actOk(manager1, id, { action: 'sign_contract', contract: CONTRACT })).toBe(
        'contract_signed',
      );
      for (const action of ['decline', 'withdraw'] as const) {
        const input: MatchActionInput =
          action === 'decline'
            ? { action, decline: { reason_code: 'price', reason_text: null } }
            : { action };
        const r = await writesNothing(() => act(need.owner, id, input));
        expect(r).toEqual({
          ok: false,
          status: 409,
          formError: refusal('not_allowed_from_state', 'contract_signed', action, 'party'),
        });
      }
      expect(await actOk(reviewer, id, { action: 'register', registration: REGISTRATION })).toBe(
        'registered',
      );
      expect(await actOk(need.member, id, { action: 'start_execution' })).toBe('in_execution');
      expect(await actOk(manager1, id, { action: 'close', note: '项目验收通过' })).toBe('closed');

      const row = await matchRow(id);
      expect(row).toMatchObject({
        state: 'closed',
        contract_type: 'license',
        contract_amount_wan: 120.5,
        contract_signed_on: '2026-11-20',
        registration_no: '2026150123000045',
        certified_amount_wan: 118,
        registered_on: '2026-11-25',
        registration_office: '呼和浩特市技术市场管理办公室',
        end_reason_code: null,
        version: 8,
      });

      expect((await events(id)).slice(3)).toEqual([
        {
          type: 'start_negotiation',
          from_state: 'accepted',
          to_state: 'negotiating',
          actor_user_id: achievement.side.owner.userId,
          actor_role: 'party',
          note: '首次洽谈在北疆农牧大学',
        },
        {
          type: 'sign_contract',
          from_state: 'negotiating',
          to_state: 'contract_signed',
          actor_user_id: manager1.userId,
          actor_role: 'manager',
          note: null,
        },
        {
          type: 'register',
          from_state: 'contract_signed',
          to_state: 'registered',
          actor_user_id: reviewer.userId,
          actor_role: 'staff',
          note: null,
        },
        {
          type: 'start_execution',
          from_state: 'registered',
          to_state: 'in_execution',
          actor_user_id: need.member.userId,
          actor_role: 'party',
          note: null,
        },
        {
          type: 'close',
          from_state: 'in_execution',
          to_state: 'closed',
          actor_user_id: manager1.userId,
          actor_role: 'manager',
          note: '项目验收通过',
        },
      ]);
      expect(await auditActions(id)).toEqual([
        'match.propose',
        'match.accept',
        'match.accept',
        'match.start_negotiation',
        'match.sign_contract',
        'match.register',
        'match.start_execution',
        'match.close',
      ]);
      // The manager is told of the changes others made, not of their own.
      const toManager = (await noticesAbout(id, 'match.state')).filter((n) => n.user_id === manager1.userId);
      expect(toManager.map((n) => n.title)).toEqual(
        (['accepted', 'negotiating', 'registered', 'in_execution'] as const).map((s) =>
          m.notices.stateTitle(id, zhCN.matching.state[s]),
        ),
      );
    });

    it('is terminal once closed; the same pair may then be proposed again', async () => {
      const r = await writesNothing(() => act(manager1, id, { action: 'withdraw' }));
      expect(r).toEqual({
        ok: false,
        status: 409,
        formError: refusal('not_allowed_from_state', 'closed', 'withdraw', 'manager'),
      });
      const again = await propose(manager2, demand.id, achievement.id);
      expect(again.ok).toBe(true);
    });
  });
});

describe('declining and withdrawing', () => {
  it('a party declines an accepted match with a reason: declined, the reason stored and in the event', async () => {
    const { id, offer } = await matchFromInterest();
    const byStaff = await writesNothing(() =>
      act(admin, id, { action: 'decline', decline: { reason_code: 'not_fit', reason_text: null } }),
    );
    expect(byStaff).toEqual({
      ok: false,
      status: 409,
      formError: refusal('actor_not_allowed', 'accepted', 'decline', 'staff'),
    });

    const state = await actOk(offer.member, id, {
      action: 'decline',
      decline: { reason_code: 'has_partner', reason_text: '已与其他单位签订合作协议' },
    });
    expect(state).toBe('declined');
    expect(await matchRow(id)).toMatchObject({
      state: 'declined',
      end_reason_code: 'has_partner',
      end_reason_text: '已与其他单位签订合作协议',
      contract_amount_wan: null,
    });
    expect((await events(id)).at(-1)).toEqual({
      type: 'decline',
      from_state: 'accepted',
      to_state: 'declined',
      actor_user_id: offer.member.userId,
      actor_role: 'party',
      note: '已与其他单位签订合作协议',
    });
    const told = await noticesAbout(id, 'match.state');
    expect(told.map((n) => n.user_id)).toEqual(
      [...(await memberIds(need.org)), ...(await memberIds(offer.org))].sort((a, b) => a - b),
    );
    const r = await writesNothing(() => act(need.owner, id, { action: 'start_negotiation' }));
    expect(r).toEqual({
      ok: false,
      status: 409,
      formError: refusal('not_allowed_from_state', 'declined', 'start_negotiation', 'party'),
    });
  });

  it('a proposal declined by one side ends it, and frees the pair for a new proposal', async () => {
    const scenario = await fresh([need], 'scenario');
    const achievement = await fresh(offerers, 'achievement');
    const proposed = await propose(reviewer, scenario.id, achievement.id, '');
    if (!proposed.ok) throw new Error(JSON.stringify(proposed));
    expect(await matchRow(proposed.id)).toMatchObject({
      manager_user_id: null,
      proposed_by: reviewer.userId,
    });
    expect((await events(proposed.id))[0]).toMatchObject({ actor_role: 'staff', note: null });

    expect(
      await actOk(need.member, proposed.id, {
        action: 'decline',
        decline: { reason_code: 'insufficient_info', reason_text: null },
      }),
    ).toBe('declined');
    expect(await matchRow(proposed.id)).toMatchObject({
      end_reason_code: 'insufficient_info',
      end_reason_text: null,
    });
    expect((await propose(manager3, scenario.id, achievement.id)).ok).toBe(true);
  });

  it('the manager withdraws a match under negotiation', async () => {
    const { id } = await matchFromInterest();
    expect(
      (
        await assignManager(handle.db, {
          principal: manager1,
          matchId: id,
          version: 1,
          managerUserId: manager1.userId,
          ip: IP,
        })
      ).ok,
    ).toBe(true);
    expect(await actOk(manager1, id, { action: 'start_negotiation' })).toBe('negotiating');
    expect(await actOk(manager1, id, { action: 'withdraw', note: '双方暂停合作' })).toBe('withdrawn');
    expect((await events(id)).map((x) => [x.type, x.actor_role, x.to_state])).toEqual([
      ['created_from_interest', 'party', 'accepted'],
      ['manager_took', 'manager', 'accepted'],
      ['start_negotiation', 'manager', 'negotiating'],
      ['withdraw', 'manager', 'withdrawn'],
    ]);
  });
});

describe('two simultaneous updates of one match', () => {
  it('the same version twice: exactly one succeeds, the other is refused as stale; one event more', async () => {
    const { id, offer } = await matchFromInterest();
    const before = await counts();
    const version = await versionOf(id);
    const results = await Promise.all([
      act(need.owner, id, { action: 'start_negotiation' }, version),
      act(offer.owner, id, { action: 'start_negotiation' }, version),
    ]);
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, state: 'negotiating' }]);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, status: 409, formError: e.stale }]);
    expect(e.stale).toBe('该对接已被其他人更新。请刷新页面，查看最新状态后再操作。');
    const after = await counts();
    expect(after.match_event).toBe(before.match_event + 1);
    expect(after.audit_log).toBe(before.audit_log + 1);
    expect(await matchRow(id)).toMatchObject({ state: 'negotiating', version: version + 1 });
  });

  it('two different actions at the same version: one wins, the match is consistent', async () => {
    const { id, offer } = await matchFromInterest();
    const version = await versionOf(id);
    const results = await Promise.all([
      act(need.owner, id, { action: 'withdraw' }, version),
      act(
        offer.owner,
        id,
        { action: 'decline', decline: { reason_code: 'price', reason_text: null } },
        version,
      ),
    ]);
    expect(results.filter((r) => r.ok).length).toBe(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, status: 409, formError: e.stale }]);
    const row = await matchRow(id);
    expect(['withdrawn', 'declined']).toContain(row.state);
    expect(row.end_reason_code).toBe(row.state === 'declined' ? 'price' : null);
    expect((await events(id)).length).toBe(2);
  });
});

describe('technology managers', () => {
  let id: number;
  let offer: Side;
  const assign = (principal: SignedIn, managerUserId: number, version: number, matchId = id) =>
    assignManager(handle.db, { principal, matchId, version, managerUserId, ip: IP });
  const activity = (principal: SignedIn, matchId = id) =>
    logActivity(handle.db, {
      principal,
      matchId,
      activity: { kind: 'visit', minutes: 90, occurred_on: '2026-11-24', note: '走访双方，确认中试方案' },
      ip: IP,
    });

  beforeAll(async () => {
    ({ id, offer } = await matchFromInterest());
  });

  it('a manager takes an unassigned match', async () => {
    expect((await matchRow(id)).manager_user_id).toBeNull();
    expect(await assign(manager2, manager2.userId, 1)).toEqual({ ok: true });
    expect(await matchRow(id)).toMatchObject({
      manager_user_id: manager2.userId,
      version: 2,
      state: 'accepted',
    });
    expect((await events(id)).at(-1)).toEqual({
      type: 'manager_took',
      from_state: 'accepted',
      to_state: 'accepted',
      actor_user_id: manager2.userId,
      actor_role: 'manager',
      note: null,
    });
    expect(await noticesAbout(id, 'match.assigned')).toEqual([]);
    expect(await auditActions(id)).toEqual(['match.assign']);
  });

  it('another manager cannot take it any more (409), nor with an old version (409 stale)', async () => {
    expect(await writesNothing(() => assign(manager3, manager3.userId, 2))).toEqual({
      ok: false,
      status: 409,
      formError: e.alreadyManaged,
    });
    expect(await writesNothing(() => assign(manager3, manager3.userId, 1))).toEqual({
      ok: false,
      status: 409,
      formError: e.stale,
    });
  });

  it('only bureau staff assign someone else (403 for a manager or a party)', async () => {
    expect(await writesNothing(() => assign(manager2, manager3.userId, 2))).toEqual({
      ok: false,
      status: 403,
      formError: e.onlyManagers,
    });
    expect(await writesNothing(() => assign(need.owner, need.owner.userId, 2))).toEqual({
      ok: false,
      status: 403,
      formError: e.onlyManagers,
    });
  });

  it('staff assign another manager, who is told', async () => {
    expect(await assign(admin, manager3.userId, 2)).toEqual({ ok: true });
    expect(await matchRow(id)).toMatchObject({ manager_user_id: manager3.userId, version: 3 });
    expect((await events(id)).at(-1)).toMatchObject({
      type: 'manager_assigned',
      actor_user_id: admin.userId,
      actor_role: 'staff',
    });
    const told = await noticesAbout(id, 'match.assigned');
    expect(told).toEqual([{ user_id: manager3.userId, title: m.notices.assignedTitle(id), body: '' }]);
    expect((await mailsTo(id)).map((x) => x.payload.to)).toEqual([manager3.email]);
  });

  it('refuses to assign someone who is not a technology manager (400 on the manager field), or a missing match', async () => {
    expect(await writesNothing(() => assign(admin, need.owner.userId, 3))).toEqual({
      ok: false,
      status: 400,
      fieldErrors: { manager: [e.notAManager] },
    });
    expect(await writesNothing(() => assign(admin, manager1.userId, 1, 987_654))).toEqual({
      ok: false,
      status: 404,
      formError: e.notFound,
    });
  });

  it('the assigned manager acts as manager; the former one no longer can', async () => {
    const before = await counts();
    const r = await act(manager2, id, { action: 'start_negotiation' });
    // manager2 can still see it (every manager may look at a match to take it) but holds no role in it.
    expect(r).toEqual({ ok: false, status: 403, formError: e.notYours });
    expect(await counts()).toEqual(before);
    expect(await actOk(manager3, id, { action: 'start_negotiation' })).toBe('negotiating');
    expect((await events(id)).at(-1)).toMatchObject({
      actor_user_id: manager3.userId,
      actor_role: 'manager',
    });
    // Parties and the manager are told; the acting manager is not.
    const told = await noticesAbout(id, 'match.state');
    expect(told.map((n) => n.user_id)).toEqual(
      [...(await memberIds(need.org)), ...(await memberIds(offer.org))].sort((a, b) => a - b),
    );
  });

  it('logs activities by the match’s manager or bureau staff only (403 otherwise)', async () => {
    expect(await activity(manager3)).toEqual({ ok: true });
    expect(await activity(reviewer)).toEqual({ ok: true });
    for (const who of [manager2, need.owner, offer.member, outsider]) {
      expect(await writesNothing(() => activity(who))).toEqual({
        ok: false,
        status: 403,
        formError: e.notManager,
      });
    }
    expect(await writesNothing(() => activity(admin, 987_654))).toEqual({
      ok: false,
      status: 404,
      formError: e.notFound,
    });

    const rows = await handle.db
      .selectFrom('match_activity')
      .select(['user_id', 'kind', 'minutes', 'occurred_on', 'note'])
      .where('match_id', '=', id)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        user_id: manager3.userId,
        kind: 'visit',
        minutes: 90,
        occurred_on: '2026-11-24',
        note: '走访双方，确认中试方案',
      },
      {
        user_id: reviewer.userId,
        kind: 'visit',
        minutes: 90,
        occurred_on: '2026-11-24',
        note: '走访双方，确认中试方案',
      },
    ]);
    expect((await auditActions(id)).filter((a) => a === 'match.activity').length).toBe(2);
  });
});
