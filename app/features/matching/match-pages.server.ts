import { type Kysely, sql } from 'kysely';
import type { Database, MatchState } from '../../../db/schema.ts';
import type { SignedIn } from '../../server/auth.server.ts';
import { formatDateIso, formatDateTime, formatWan } from '../../ui/format.ts';
import { isStaff } from '../listings/access.server.ts';
import { declineLabel } from './interests.server.ts';
import { availableActions, isOpen, type MatchAction } from './match-state.ts';
import { canSee, rolesIn } from './matches.server.ts';

/*
 * Reads behind the brokering pages: one match (identities and contacts only once both sides accepted), the
 * matches of a person's organisations, a technology manager's board (stale first), the open matches to take.
 */

/** Days without an event after which an open match counts as stale (the board shows it first). */
export const STALE_DAYS = 14;

async function listingBrief(db: Kysely<Database>, id: number | null) {
  if (id === null) return null;
  return (
    (await db
      .selectFrom('listing')
      .select(['id', 'kind', 'title', 'contact_name', 'contact_phone', 'contact_email', 'created_by'])
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

export async function loadMatchPage(db: Kysely<Database>, principal: SignedIn, id: number) {
  const match = await db.selectFrom('match').selectAll().where('id', '=', id).executeTakeFirst();
  if (!match) return null;
  const roles = rolesIn(principal, match);
  if (!canSee(roles, principal)) return null;
  const revealed = match.need_accepted_at !== null && match.offer_accepted_at !== null;
  const [need, offer, orgs, events, activities, manager, interest, managers] = await Promise.all([
    listingBrief(db, match.need_listing_id),
    listingBrief(db, match.offer_listing_id),
    db
      .selectFrom('organisation')
      .select(['id', 'name', 'type', 'region', 'mkj_id', 'mkj_url'])
      .where('id', 'in', [match.need_org_id, match.offer_org_id])
      .execute(),
    db
      .selectFrom('match_event as ev')
      .leftJoin('app_user as u', 'u.id', 'ev.actor_user_id')
      .select([
        'ev.id',
        'ev.type',
        'ev.from_state',
        'ev.to_state',
        'ev.actor_role',
        'ev.note',
        'ev.created_at',
      ])
      .select('u.display_name as actor_name')
      .where('ev.match_id', '=', id)
      .orderBy('ev.id')
      .execute(),
    db
      .selectFrom('match_activity as a')
      .innerJoin('app_user as u', 'u.id', 'a.user_id')
      .select(['a.id', 'a.kind', 'a.minutes', 'a.occurred_on', 'a.note', 'u.display_name'])
      .where('a.match_id', '=', id)
      .orderBy('a.occurred_on', 'desc')
      .orderBy('a.id', 'desc')
      .execute(),
    match.manager_user_id
      ? db
          .selectFrom('app_user')
          .select(['display_name'])
          .where('id', '=', match.manager_user_id)
          .executeTakeFirst()
      : Promise.resolve(undefined),
    match.interest_id
      ? db
          .selectFrom('interest as i')
          .innerJoin('app_user as u', 'u.id', 'i.requester_user_id')
          .select(['i.message', 'u.display_name', 'u.email', 'u.phone'])
          .where('i.id', '=', match.interest_id)
          .executeTakeFirst()
      : Promise.resolve(undefined),
    isStaff(principal)
      ? db
          .selectFrom('platform_role as r')
          .innerJoin('app_user as u', 'u.id', 'r.user_id')
          .select(['u.id', 'u.display_name'])
          .where('r.role', '=', 'manager')
          .orderBy('u.display_name')
          .execute()
      : Promise.resolve([]),
  ]);
  const orgOf = new Map(orgs.map((o) => [o.id, o]));
  /** A side as shown: the organisation and its contact once both accepted; only type and region before. */
  const side = (orgId: number, listing: Awaited<ReturnType<typeof listingBrief>>) => {
    const org = orgOf.get(orgId)!;
    const contact = listing
      ? { name: listing.contact_name, phone: listing.contact_phone, email: listing.contact_email }
      : interest
        ? { name: interest.display_name, phone: interest.phone, email: interest.email }
        : null;
    return {
      organisation: revealed || roles.staff ? { id: org.id, name: org.name } : null,
      type: org.type,
      region: org.region,
      listing: listing ? { id: listing.id, kind: listing.kind, title: listing.title } : null,
      contact: revealed ? contact : null,
      mkj: org.mkj_id ? { id: org.mkj_id, url: org.mkj_url } : null,
    };
  };
  const actorRoles = [
    ...(roles.party ? (['party'] as const) : []),
    ...(roles.manager ? (['manager'] as const) : []),
    ...(roles.staff ? (['staff'] as const) : []),
  ];
  const flags = {
    needAccepted: match.need_accepted_at !== null,
    offerAccepted: match.offer_accepted_at !== null,
  };
  const actions = [
    ...new Set(
      actorRoles.flatMap((actor) =>
        availableActions(
          match.state,
          actor,
          actor === 'party' && roles.party ? { side: roles.party, flags } : undefined,
        ),
      ),
    ),
  ] as MatchAction[];
  return {
    id: match.id,
    version: match.version,
    state: match.state,
    source: match.source,
    revealed,
    need: side(match.need_org_id, need),
    offer: side(match.offer_org_id, offer),
    acceptance: flags,
    myside: roles.party,
    manager: manager?.display_name ?? null,
    canTake:
      principal.platformRoles.includes('manager') && match.manager_user_id === null && isOpen(match.state),
    canLog: roles.manager || roles.staff,
    managers: managers.map((x) => ({ id: x.id, name: x.display_name })),
    actions,
    contract: match.contract_type
      ? {
          type: match.contract_type,
          amount: formatWan(Number(match.contract_amount_wan)),
          signedOn: match.contract_signed_on ? formatDateIso(match.contract_signed_on) : null,
        }
      : null,
    registration: match.registration_no
      ? {
          no: match.registration_no,
          certified: formatWan(Number(match.certified_amount_wan)),
          registeredOn: match.registered_on ? formatDateIso(match.registered_on) : null,
          office: match.registration_office,
        }
      : null,
    endReason: match.end_reason_code ? declineLabel(match.end_reason_code, match.end_reason_text) : null,
    mkj: match.mkj_id ? { id: match.mkj_id, url: match.mkj_url } : null,
    events: events.map((ev) => ({
      id: ev.id,
      type: ev.type,
      from: ev.from_state as MatchState | null,
      to: ev.to_state as MatchState | null,
      role: ev.actor_role,
      actor: ev.actor_name,
      note: ev.note,
      at: formatDateTime(ev.created_at),
    })),
    activities: activities.map((a) => ({
      id: a.id,
      kind: a.kind,
      minutes: a.minutes,
      on: formatDateIso(a.occurred_on),
      note: a.note,
      by: a.display_name,
    })),
  };
}
export type MatchPage = NonNullable<Awaited<ReturnType<typeof loadMatchPage>>>;

function matchList(db: Kysely<Database>) {
  return db
    .selectFrom('match as m')
    .leftJoin('listing as nl', 'nl.id', 'm.need_listing_id')
    .leftJoin('listing as ol', 'ol.id', 'm.offer_listing_id')
    .select([
      'm.id',
      'm.state',
      'm.updated_at',
      'm.manager_user_id',
      'nl.title as need_title',
      'ol.title as offer_title',
    ])
    .select((eb) =>
      eb
        .selectFrom('match_event as ev')
        .select(sql<Date | null>`max(ev.created_at)`.as('t'))
        .whereRef('ev.match_id', '=', 'm.id')
        .as('last_event_at'),
    );
}

type ListRow = Awaited<ReturnType<ReturnType<typeof matchList>['execute']>>[number];

function listView(rows: ListRow[], now: Date) {
  return rows.map((r) => {
    const last = r.last_event_at ? new Date(r.last_event_at) : new Date(r.updated_at);
    const idleDays = Math.floor((now.getTime() - last.getTime()) / 86_400_000);
    return {
      id: r.id,
      state: r.state,
      title: [r.need_title, r.offer_title].filter(Boolean).join(' ⇄ '),
      idleDays,
      stale: isOpen(r.state) && idleDays >= STALE_DAYS,
      updated: formatDateIso(r.updated_at),
    };
  });
}

/** The matches of the principal's organisations (either side), newest activity first. */
export async function myMatches(db: Kysely<Database>, principal: SignedIn, now = new Date()) {
  const orgIds = principal.memberships.map((x) => x.organisationId);
  if (orgIds.length === 0) return [];
  const rows = await matchList(db)
    .where((eb) => eb.or([eb('m.need_org_id', 'in', orgIds), eb('m.offer_org_id', 'in', orgIds)]))
    .orderBy('m.updated_at', 'desc')
    .limit(200)
    .execute();
  return listView(rows, now);
}

/** A manager's board: their matches, stale ones first, then by state and time; plus open matches to take. */
export async function managerBoard(db: Kysely<Database>, principal: SignedIn, now = new Date()) {
  const [mine, open] = await Promise.all([
    matchList(db)
      .where('m.manager_user_id', '=', principal.userId)
      .orderBy('m.updated_at')
      .limit(300)
      .execute(),
    matchList(db)
      .where('m.manager_user_id', 'is', null)
      .where('m.state', 'in', ['proposed', 'accepted', 'negotiating'])
      .orderBy('m.created_at')
      .limit(100)
      .execute(),
  ]);
  const view = listView(mine, now).sort(
    (a, b) =>
      Number(b.stale) - Number(a.stale) ||
      Number(isOpen(b.state)) - Number(isOpen(a.state)) ||
      b.idleDays - a.idleDays,
  );
  return { mine: view, open: listView(open, now) };
}
