import { type Kysely, sql, type Transaction } from 'kysely';
import { isUniqueViolation } from '../../../db/errors.ts';
import type { ActivityKind, Database, MatchActor, MatchState } from '../../../db/schema.ts';
import { documentsOf } from '../../../search/documents.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { audit } from '../../server/audit.server.ts';
import type { SignedIn } from '../../server/auth.server.ts';
import { Refused } from '../../server/refusal.ts';
import { isStaff } from '../listings/access.server.ts';
import { queueSync } from '../mkj/sync.server.ts';
import { notify, notifyOrganisation } from '../notifications/notify.server.ts';
import type { ContractInput, DeclineInput, RegistrationInput } from './interest-rules.ts';
import { decide, isOpen, type MatchAction, type MatchSide, mayAct } from './match-state.ts';

/*
 * Matches (对接): created from an accepted interest, or proposed by a technology manager between two live
 * listings (both sides must accept). Every transition goes through the pure state machine (match-state.ts), is
 * written with its event, audit row and notices in one transaction, and names the version it was based on: a
 * concurrent change is refused with a clear message, never lost. Identities and contacts of the two sides are
 * shown only once both have accepted.
 */

const m = zhCN.deals.match;
const e = m.errors;

export type MatchError = {
  ok: false;
  status: 400 | 403 | 404 | 409;
  formError?: string;
  fieldErrors?: Record<string, string[]>;
};
const refuse = (status: MatchError['status'], formError: string): MatchError => ({
  ok: false,
  status,
  formError,
});

async function event(
  trx: Transaction<Database>,
  ev: {
    matchId: number;
    type: string;
    from: MatchState | null;
    to: MatchState | null;
    actorUserId: number | null;
    actorRole: MatchActor;
    note?: string | null;
    now?: Date;
  },
) {
  await trx
    .insertInto('match_event')
    .values({
      match_id: ev.matchId,
      type: ev.type,
      from_state: ev.from,
      to_state: ev.to,
      actor_user_id: ev.actorUserId,
      actor_role: ev.actorRole,
      note: ev.note ?? null,
      ...(ev.now ? { created_at: ev.now } : {}),
    })
    .execute();
}

/** Inside the interest's transaction: the match of an accepted interest (both sides have agreed). */
export async function createMatchFromInterest(
  trx: Transaction<Database>,
  input: {
    interestId: number;
    listingId: number;
    listingSide: MatchSide;
    listingOrgId: number;
    requesterOrgId: number;
    actorUserId: number;
    now: Date;
  },
): Promise<number> {
  const need = input.listingSide === 'need';
  const row = await trx
    .insertInto('match')
    .values({
      state: 'accepted',
      source: 'interest',
      interest_id: input.interestId,
      need_listing_id: need ? input.listingId : null,
      offer_listing_id: need ? null : input.listingId,
      need_org_id: need ? input.listingOrgId : input.requesterOrgId,
      offer_org_id: need ? input.requesterOrgId : input.listingOrgId,
      need_accepted_at: input.now,
      offer_accepted_at: input.now,
      created_at: input.now,
      updated_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await event(trx, {
    matchId: row.id,
    type: 'created_from_interest',
    from: null,
    to: 'accepted',
    actorUserId: input.actorUserId,
    actorRole: 'party',
    now: input.now,
  });
  return row.id;
}

function isManager(principal: SignedIn): boolean {
  return principal.platformRoles.includes('manager');
}

/** A technology manager proposes a match between a need (demand or scenario) and an offer (achievement). */
export async function proposeMatch(
  db: Kysely<Database>,
  input: {
    principal: SignedIn;
    needListingId: number;
    offerListingId: number;
    note: string;
    ip: string | null;
    origin?: string;
    now?: Date;
  },
): Promise<{ ok: true; id: number } | MatchError> {
  const { principal } = input;
  const now = input.now ?? new Date();
  if (!isManager(principal) && !isStaff(principal)) return refuse(403, e.onlyManagers);
  try {
    return await db.transaction().execute(async (trx) => {
      const docs = await documentsOf(trx, [input.needListingId, input.offerListingId], now);
      const need = docs.get(input.needListingId);
      const offer = docs.get(input.offerListingId);
      if (!need || !offer || !need.live || !offer.live) throw new Refused(refuse(400, e.notLive));
      if (need.doc.kind === 'achievement' || offer.doc.kind !== 'achievement')
        throw new Refused(refuse(400, e.sameSide));
      const orgs = await trx
        .selectFrom('listing')
        .select(['id', 'organisation_id'])
        .where('id', 'in', [input.needListingId, input.offerListingId])
        .execute();
      const orgOf = new Map(orgs.map((o) => [o.id, o.organisation_id]));
      const needOrg = orgOf.get(input.needListingId)!;
      const offerOrg = orgOf.get(input.offerListingId)!;
      if (needOrg === offerOrg) throw new Refused(refuse(400, e.sameOrganisation));
      const open = await trx
        .selectFrom('match')
        .select('id')
        .where('need_listing_id', '=', input.needListingId)
        .where('offer_listing_id', '=', input.offerListingId)
        .where('state', 'not in', ['closed', 'declined', 'withdrawn'])
        .executeTakeFirst();
      if (open) throw new Refused(refuse(409, e.duplicate));
      // (The partial unique index match_open_pair_idx catches the race of two simultaneous proposals.)
      const row = await trx
        .insertInto('match')
        .values({
          state: 'proposed',
          source: 'manager',
          need_listing_id: input.needListingId,
          offer_listing_id: input.offerListingId,
          need_org_id: needOrg,
          offer_org_id: offerOrg,
          proposed_by: principal.userId,
          manager_user_id: isManager(principal) ? principal.userId : null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await event(trx, {
        matchId: row.id,
        type: 'proposed',
        from: null,
        to: 'proposed',
        actorUserId: principal.userId,
        actorRole: isManager(principal) ? 'manager' : 'staff',
        note: input.note || null,
        now,
      });
      for (const [orgId, title] of [
        [needOrg, need.doc.title],
        [offerOrg, offer.doc.title],
      ] as const) {
        await notifyOrganisation(trx, orgId, {
          kind: 'match.proposed',
          title: m.notices.proposedTitle,
          body: m.notices.proposedBody(title),
          link: `/matches/${row.id}`,
          origin: input.origin,
          aggregate: { type: 'match', id: row.id },
          mail: { subject: m.notices.proposedTitle, text: m.notices.proposedBody(title) },
        });
      }
      await audit(trx, {
        actorUserId: principal.userId,
        ip: input.ip,
        action: 'match.propose',
        entityType: 'match',
        entityId: row.id,
      });
      return { ok: true as const, id: row.id };
    });
  } catch (error) {
    if (error instanceof Refused) return error.refusal as MatchError;
    if (isUniqueViolation(error)) return refuse(409, e.duplicate);
    throw error;
  }
}

type MatchRow = Awaited<ReturnType<typeof loadRow>>;
async function loadRow(db: Kysely<Database>, id: number) {
  return db.selectFrom('match').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Who the principal is to this match: a party (with side), its manager, bureau staff — or nobody (404). */
export function rolesIn(
  principal: SignedIn,
  match: { need_org_id: number; offer_org_id: number; manager_user_id: number | null },
): { party: MatchSide | null; manager: boolean; staff: boolean } {
  const orgIds = new Set(principal.memberships.map((x) => x.organisationId));
  const party = orgIds.has(match.need_org_id) ? 'need' : orgIds.has(match.offer_org_id) ? 'offer' : null;
  return {
    party,
    manager: match.manager_user_id === principal.userId,
    staff: isStaff(principal),
  };
}

export function canSee(roles: ReturnType<typeof rolesIn>, principal: SignedIn): boolean {
  // Any technology manager may look at a match to take it; parties, its manager and staff always.
  return roles.party !== null || roles.manager || roles.staff || isManager(principal);
}

/**
 * The role under which the principal takes this action: the first of party, manager, staff that they hold and
 * that may take it; otherwise the first they hold (decide() then refuses with the actor's name).
 */
function actorFor(action: MatchAction, roles: ReturnType<typeof rolesIn>): MatchActor | null {
  const held: MatchActor[] = [];
  if (roles.party !== null) held.push('party');
  if (roles.manager) held.push('manager');
  if (roles.staff) held.push('staff');
  return held.find((actor) => mayAct(action, actor)) ?? held[0] ?? null;
}

export type MatchActionInput =
  | { action: 'accept' | 'start_negotiation' | 'start_execution' | 'close' | 'withdraw'; note?: string }
  | { action: 'decline'; decline: DeclineInput; note?: string }
  | { action: 'sign_contract'; contract: ContractInput; note?: string }
  | { action: 'register'; registration: RegistrationInput; note?: string };

export async function actOnMatch(
  db: Kysely<Database>,
  input: {
    principal: SignedIn;
    matchId: number;
    version: number;
    act: MatchActionInput;
    ip: string | null;
    origin?: string;
    now?: Date;
  },
): Promise<{ ok: true; state: MatchState } | MatchError> {
  const { principal, act } = input;
  const now = input.now ?? new Date();
  try {
    return await db.transaction().execute(async (trx) => {
      const match = await trx
        .selectFrom('match')
        .selectAll()
        .where('id', '=', input.matchId)
        .forUpdate()
        .executeTakeFirst();
      if (!match) throw new Refused(refuse(404, e.notFound));
      const roles = rolesIn(principal, match);
      if (!canSee(roles, principal)) throw new Refused(refuse(404, e.notFound));
      if (match.version !== input.version) throw new Refused(refuse(409, e.stale));
      const actor = actorFor(act.action, roles);
      // A technology manager who may look at the match but is not on it.
      if (actor === null) throw new Refused(refuse(403, e.notYours));
      const decision = decide({
        state: match.state,
        action: act.action,
        actor,
        side: roles.party ?? undefined,
        flags: {
          needAccepted: match.need_accepted_at !== null,
          offerAccepted: match.offer_accepted_at !== null,
        },
      });
      if (!decision.ok) throw new Refused(refuse(409, decision.message));
      const set: Record<string, unknown> = { state: decision.to, updated_at: now, version: sql`version + 1` };
      if (act.action === 'accept')
        set[roles.party === 'need' ? 'need_accepted_at' : 'offer_accepted_at'] = now;
      if (act.action === 'decline') {
        set.end_reason_code = act.decline.reason_code;
        set.end_reason_text = act.decline.reason_text;
      }
      if (act.action === 'sign_contract') {
        set.contract_type = act.contract.contract_type;
        set.contract_amount_wan = act.contract.amount_wan;
        set.contract_signed_on = act.contract.signed_on;
      }
      if (act.action === 'register') {
        set.registration_no = act.registration.registration_no;
        set.certified_amount_wan = act.registration.certified_amount_wan;
        set.registered_on = act.registration.registered_on;
        set.registration_office = act.registration.office;
      }
      await trx.updateTable('match').set(set).where('id', '=', match.id).execute();
      await event(trx, {
        matchId: match.id,
        type: act.action,
        from: match.state,
        to: decision.to,
        actorUserId: principal.userId,
        actorRole: actor,
        note: act.note || (act.action === 'decline' ? (act.decline.reason_text ?? null) : null),
        now,
      });
      if (decision.to !== match.state)
        await notifyStateChange(trx, match, decision.to, principal.userId, input.origin);
      await audit(trx, {
        actorUserId: principal.userId,
        ip: input.ip,
        action: `match.${act.action}`,
        entityType: 'match',
        entityId: match.id,
        details: { from: match.state, to: decision.to },
      });
      if (act.action === 'register' || act.action === 'close') await queueSync(trx, 'contract', match.id);
      return { ok: true as const, state: decision.to };
    });
  } catch (error) {
    if (error instanceof Refused) return error.refusal as MatchError;
    throw error;
  }
}

async function notifyStateChange(
  trx: Transaction<Database>,
  match: NonNullable<MatchRow>,
  to: MatchState,
  actingUserId: number,
  origin?: string,
) {
  const title = m.notices.stateTitle(match.id, zhCN.matching.state[to]);
  const notice = {
    kind: 'match.state' as const,
    title,
    link: `/matches/${match.id}`,
    origin,
    aggregate: { type: 'match', id: `${match.id}:${to}` },
    mail: { subject: title, text: title },
  };
  await notifyOrganisation(trx, match.need_org_id, notice);
  await notifyOrganisation(trx, match.offer_org_id, notice);
  if (match.manager_user_id && match.manager_user_id !== actingUserId)
    await notify(trx, { ...notice, userIds: [match.manager_user_id] });
}

/** A technology manager takes an unassigned match; bureau staff assign any manager. */
export async function assignManager(
  db: Kysely<Database>,
  input: {
    principal: SignedIn;
    matchId: number;
    version: number;
    managerUserId: number;
    ip: string | null;
    origin?: string;
  },
): Promise<{ ok: true } | MatchError> {
  const { principal } = input;
  const self = input.managerUserId === principal.userId;
  if (!(self && isManager(principal)) && !isStaff(principal)) return refuse(403, e.onlyManagers);
  try {
    return await db.transaction().execute(async (trx) => {
      const target = await trx
        .selectFrom('platform_role')
        .select('user_id')
        .where('user_id', '=', input.managerUserId)
        .where('role', '=', 'manager')
        .executeTakeFirst();
      if (!target) throw new Refused({ ok: false, status: 400, fieldErrors: { manager: [e.notAManager] } });
      const match = await trx
        .selectFrom('match')
        .selectAll()
        .where('id', '=', input.matchId)
        .forUpdate()
        .executeTakeFirst();
      if (!match) throw new Refused(refuse(404, e.notFound));
      if (match.version !== input.version) throw new Refused(refuse(409, e.stale));
      if (!isOpen(match.state)) throw new Refused(refuse(409, e.ended));
      if (self && !isStaff(principal) && match.manager_user_id !== null)
        throw new Refused(refuse(409, e.alreadyManaged));
      await trx
        .updateTable('match')
        .set({ manager_user_id: input.managerUserId, version: sql`version + 1`, updated_at: sql`now()` })
        .where('id', '=', match.id)
        .execute();
      await event(trx, {
        matchId: match.id,
        type: self ? 'manager_took' : 'manager_assigned',
        from: match.state,
        to: match.state,
        actorUserId: principal.userId,
        actorRole: self && !isStaff(principal) ? 'manager' : 'staff',
      });
      if (!self)
        await notify(trx, {
          userIds: [input.managerUserId],
          kind: 'match.assigned',
          title: m.notices.assignedTitle(match.id),
          link: `/matches/${match.id}`,
          origin: input.origin,
          aggregate: { type: 'match', id: match.id },
          mail: { subject: m.notices.assignedTitle(match.id), text: m.notices.assignedTitle(match.id) },
        });
      await audit(trx, {
        actorUserId: principal.userId,
        ip: input.ip,
        action: 'match.assign',
        entityType: 'match',
        entityId: match.id,
        details: { managerUserId: input.managerUserId },
      });
      return { ok: true as const };
    });
  } catch (error) {
    if (error instanceof Refused) return error.refusal as MatchError;
    throw error;
  }
}

/** The match's manager (or bureau staff) logs an activity: call, visit, meeting, document, time spent. */
export async function logActivity(
  db: Kysely<Database>,
  input: {
    principal: SignedIn;
    matchId: number;
    activity: { kind: ActivityKind; minutes: number; occurred_on: string; note: string };
    ip: string | null;
  },
): Promise<{ ok: true } | MatchError> {
  const { principal } = input;
  return db.transaction().execute(async (trx) => {
    const match = await trx
      .selectFrom('match')
      .select(['id', 'manager_user_id'])
      .where('id', '=', input.matchId)
      .executeTakeFirst();
    if (!match) return refuse(404, e.notFound);
    if (match.manager_user_id !== principal.userId && !isStaff(principal)) return refuse(403, e.notManager);
    await trx
      .insertInto('match_activity')
      .values({ match_id: match.id, user_id: principal.userId, ...input.activity })
      .execute();
    await audit(trx, {
      actorUserId: principal.userId,
      ip: input.ip,
      action: 'match.activity',
      entityType: 'match',
      entityId: match.id,
    });
    return { ok: true as const };
  });
}
