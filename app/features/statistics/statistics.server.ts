import { type Kysely, sql } from 'kysely';
import {
  type Database,
  LISTING_KINDS,
  type ListingKind,
  MATCH_STATES,
  type ManagerGrade,
  type MatchState,
} from '../../../db/schema.ts';
import { STALE_DAYS } from '../matching/match-pages.server.ts';
import { TERMINAL_MATCH_STATES } from '../matching/match-state.ts';
import {
  buildLeague,
  DASHBOARD_LIST_LIMIT,
  type FunnelStage,
  fill,
  median,
  monthsOf,
  type Period,
  periodRange,
  quartersOf,
  roundWan,
  STALE_LISTING_EXPIRY_DAYS,
  STALE_LISTING_IDLE_DAYS,
} from './rules.ts';

/*
 * The statistics' reads (issue 8): plain SQL over listing, listing_event, field, edition, interest, match,
 * match_event, match_activity, manager_profile and organisation; aggregation in rules.ts. Time zone: months,
 * quarters and years of timestamps are taken in Asia/Shanghai; `date` columns (contract_signed_on, registered_on,
 * occurred_on) are calendar dates already. Every definition: docs/statistics.md.
 */

const TZ = 'Asia/Shanghai';
const DAY_MS = 86_400_000;

/** When a listing was first published: its first 'published' event; listing.published_at when it has none. */
const firstPublished = sql<Date | null>`coalesce(
  (select min(e.created_at) from listing_event e where e.listing_id = l.id and e.type = 'published'),
  l.published_at)`;

/* ---------- the public page ---------- */

export interface PublicStatistics {
  liveByKind: Record<ListingKind, number>;
  liveTotal: number;
  liveByField: { id: number; code: string; name: string; chainAction: string; count: number }[];
  newPerMonth: { month: string; counts: Record<ListingKind, number>; total: number }[];
  matchesByState: Record<MatchState, number>;
  matchesTotal: number;
  perQuarter: {
    key: string;
    label: string;
    partial: boolean;
    signedCount: number;
    signedWan: number;
    registeredCount: number;
    registeredWan: number;
  }[];
  editionsPerYear: { year: number; count: number }[];
}

export async function liveByKind(db: Kysely<Database>, now: Date): Promise<Record<ListingKind, number>> {
  const rows = await sql<{ key: string; n: number }>`
    select kind as key, count(*)::int as n
      from listing
     where status = 'published' and expires_at > ${now}
     group by kind`.execute(db);
  return fill(LISTING_KINDS, rows.rows);
}

export async function liveByField(db: Kysely<Database>, now: Date) {
  const rows = await sql<{ id: number; code: string; name: string; chain_action: string; n: number }>`
    select f.id, f.code, f.name, f.chain_action, count(l.id)::int as n
      from field f
      left join listing_field lf on lf.field_id = f.id
      left join listing l on l.id = lf.listing_id and l.status = 'published' and l.expires_at > ${now}
     where f.active
     group by f.id, f.code, f.name, f.chain_action, f.sort_order
     order by f.sort_order, f.id`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    chainAction: r.chain_action,
    count: r.n,
  }));
}

export async function newListingsPerMonth(db: Kysely<Database>, period: Period) {
  const range = periodRange(period);
  const rows = await sql<{ month: string; kind: ListingKind; n: number }>`
    select to_char(first_at at time zone ${TZ}, 'YYYY-MM') as month, kind, count(*)::int as n
      from (select l.kind, ${firstPublished} as first_at from listing l) x
     where first_at >= ${range.start} and first_at < ${range.end}
     group by 1, 2`.execute(db);
  return monthsOf(period).map((month) => {
    const counts = fill(
      LISTING_KINDS,
      rows.rows.filter((r) => r.month === month).map((r) => ({ key: r.kind, n: r.n })),
    );
    return { month, counts, total: LISTING_KINDS.reduce((sum, k) => sum + counts[k], 0) };
  });
}

export async function matchesByState(db: Kysely<Database>): Promise<Record<MatchState, number>> {
  const rows = await sql<{ key: string; n: number }>`
    select state as key, count(*)::int as n from match group by state`.execute(db);
  return fill(MATCH_STATES, rows.rows);
}

export async function contractsPerQuarter(db: Kysely<Database>, period: Period) {
  const range = periodRange(period);
  const [signed, registered] = await Promise.all([
    sql<{ key: string; n: number; amount: number }>`
      select extract(year from contract_signed_on)::int || 'Q' || extract(quarter from contract_signed_on)::int as key,
             count(*)::int as n, coalesce(sum(contract_amount_wan), 0) as amount
        from match
       where contract_signed_on >= ${range.startDate}::date and contract_signed_on < ${range.endDate}::date
       group by 1`.execute(db),
    sql<{ key: string; n: number; amount: number }>`
      select extract(year from registered_on)::int || 'Q' || extract(quarter from registered_on)::int as key,
             count(*)::int as n, coalesce(sum(certified_amount_wan), 0) as amount
        from match
       where registered_on >= ${range.startDate}::date and registered_on < ${range.endDate}::date
       group by 1`.execute(db),
  ]);
  const find = (rows: { key: string; n: number; amount: number }[], key: string) =>
    rows.find((r) => r.key === key);
  return quartersOf(period).map((q) => ({
    key: q.key,
    label: q.label,
    partial: q.partial,
    signedCount: find(signed.rows, q.key)?.n ?? 0,
    signedWan: roundWan(Number(find(signed.rows, q.key)?.amount ?? 0)),
    registeredCount: find(registered.rows, q.key)?.n ?? 0,
    registeredWan: roundWan(Number(find(registered.rows, q.key)?.amount ?? 0)),
  }));
}

export async function editionsPerYear(db: Kysely<Database>) {
  const rows = await sql<{ year: number; n: number }>`
    select extract(year from published_at at time zone ${TZ})::int as year, count(*)::int as n
      from edition
     where status = 'published' and published_at is not null
     group by 1
     order by 1`.execute(db);
  return rows.rows.map((r) => ({ year: r.year, count: r.n }));
}

export async function loadPublicStatistics(
  db: Kysely<Database>,
  period: Period,
  now: Date,
): Promise<PublicStatistics> {
  const [byKind, byField, perMonth, byState, perQuarter, editions] = await Promise.all([
    liveByKind(db, now),
    liveByField(db, now),
    newListingsPerMonth(db, period),
    matchesByState(db),
    contractsPerQuarter(db, period),
    editionsPerYear(db),
  ]);
  return {
    liveByKind: byKind,
    liveTotal: LISTING_KINDS.reduce((sum, k) => sum + byKind[k], 0),
    liveByField: byField,
    newPerMonth: perMonth,
    matchesByState: byState,
    matchesTotal: MATCH_STATES.reduce((sum, st) => sum + byState[st], 0),
    perQuarter,
    editionsPerYear: editions,
  };
}

/* ---------- the bureau dashboard ---------- */

/** The funnel of a period: each stage counted by its own date in the period (docs/statistics.md). */
export async function funnelCounts(
  db: Kysely<Database>,
  period: Period,
): Promise<Record<FunnelStage, number>> {
  const range = periodRange(period);
  const row = await sql<Record<FunnelStage, number>>`
    select
      (select count(*)::int from listing l
        where ${firstPublished} >= ${range.start} and ${firstPublished} < ${range.end}) as published,
      (select count(*)::int from interest
        where created_at >= ${range.start} and created_at < ${range.end}) as interests,
      (select count(*)::int from match
        where need_accepted_at is not null and offer_accepted_at is not null
          and greatest(need_accepted_at, offer_accepted_at) >= ${range.start}
          and greatest(need_accepted_at, offer_accepted_at) < ${range.end}) as accepted,
      (select count(*)::int from match
        where contract_signed_on >= ${range.startDate}::date and contract_signed_on < ${range.endDate}::date) as contracts,
      (select count(*)::int from match
        where registered_on >= ${range.startDate}::date and registered_on < ${range.endDate}::date) as registered
  `.execute(db);
  return row.rows[0]!;
}

/** Interests answered (accepted or declined) in the period: how long the answer took. */
export async function interestResponses(db: Kysely<Database>, period: Period) {
  const range = periodRange(period);
  const rows = await sql<{ hours: number; on_time: boolean }>`
    select extract(epoch from (responded_at - created_at)) / 3600 as hours,
           responded_at <= respond_by as on_time
      from interest
     where status in ('accepted', 'declined')
       and responded_at >= ${range.start} and responded_at < ${range.end}`.execute(db);
  const hours = rows.rows.map((r) => Number(r.hours));
  return {
    answered: hours.length,
    onTime: rows.rows.filter((r) => r.on_time).length,
    medianHours: median(hours),
  };
}

/** Pending interests past their deadline (now), oldest deadline first; the total and the first `limit`. */
export async function overdueInterests(db: Kysely<Database>, now: Date, limit = DASHBOARD_LIST_LIMIT) {
  const [rows, total] = await Promise.all([
    sql<{
      id: number;
      created_at: Date;
      respond_by: Date;
      listing_id: number;
      title: string;
      kind: ListingKind;
      owner: string;
    }>`
      select i.id, i.created_at, i.respond_by, l.id as listing_id, l.title, l.kind, o.name as owner
        from interest i
        join listing l on l.id = i.listing_id
        join organisation o on o.id = l.organisation_id
       where i.status = 'pending' and i.respond_by < ${now}
       order by i.respond_by, i.id
       limit ${limit}`.execute(db),
    sql<{ n: number }>`
      select count(*)::int as n from interest where status = 'pending' and respond_by < ${now}`.execute(db),
  ]);
  return {
    total: total.rows[0]!.n,
    rows: rows.rows.map((r) => ({
      ...r,
      overdueDays: Math.floor((now.getTime() - new Date(r.respond_by).getTime()) / DAY_MS),
    })),
  };
}

/**
 * Open matches (not closed, declined or withdrawn) whose last match_event (or, without events, their last
 * update) lies STALE_DAYS days or more before now — the same rule as the managers' board.
 */
export async function staleMatches(db: Kysely<Database>, now: Date, limit = DASHBOARD_LIST_LIMIT) {
  const cutoff = new Date(now.getTime() - STALE_DAYS * DAY_MS);
  const terminal = [...TERMINAL_MATCH_STATES];
  const base = sql`
    from (select m.*, coalesce((select max(e.created_at) from match_event e where e.match_id = m.id), m.updated_at)
                   as last_at
            from match m
           where m.state not in (${sql.join(terminal)})) m
   where m.last_at <= ${cutoff}`;
  const [rows, total] = await Promise.all([
    sql<{
      id: number;
      state: MatchState;
      last_at: Date;
      manager: string | null;
      need_title: string | null;
      offer_title: string | null;
    }>`
      select m.id, m.state, m.last_at, u.display_name as manager, nl.title as need_title, ol.title as offer_title
        from (select m.* ${base}) m
        left join app_user u on u.id = m.manager_user_id
        left join listing nl on nl.id = m.need_listing_id
        left join listing ol on ol.id = m.offer_listing_id
       order by m.last_at, m.id
       limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n ${base}`.execute(db),
  ]);
  return {
    total: total.rows[0]!.n,
    rows: rows.rows.map((r) => ({
      ...r,
      idleDays: Math.floor((now.getTime() - new Date(r.last_at).getTime()) / DAY_MS),
    })),
  };
}

/** Live listings expiring within STALE_LISTING_EXPIRY_DAYS or not updated for STALE_LISTING_IDLE_DAYS. */
export async function staleListings(db: Kysely<Database>, now: Date, limit = DASHBOARD_LIST_LIMIT) {
  const soon = new Date(now.getTime() + STALE_LISTING_EXPIRY_DAYS * DAY_MS);
  const idle = new Date(now.getTime() - STALE_LISTING_IDLE_DAYS * DAY_MS);
  const where = sql`
    where l.status = 'published' and l.expires_at > ${now}
      and (l.expires_at <= ${soon} or l.updated_at <= ${idle})`;
  const [rows, total] = await Promise.all([
    sql<{
      id: number;
      kind: ListingKind;
      title: string;
      owner: string;
      expires_at: Date;
      updated_at: Date;
      expiring: boolean;
      not_updated: boolean;
    }>`
      select l.id, l.kind, l.title, o.name as owner, l.expires_at, l.updated_at,
             l.expires_at <= ${soon} as expiring, l.updated_at <= ${idle} as not_updated
        from listing l
        join organisation o on o.id = l.organisation_id
        ${where}
       order by l.expires_at, l.id
       limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from listing l ${where}`.execute(db),
  ]);
  return { total: total.rows[0]!.n, rows: rows.rows };
}

/** The workflow log the league tables are computed from (rules.ts buildLeague). */
export async function leagueInput(db: Kysely<Database>, period: Period) {
  const range = periodRange(period);
  const [managers, agencies, matches] = await Promise.all([
    sql<{ user_id: number; name: string; grade: ManagerGrade | null; agency_id: number | null }>`
      select u.id as user_id, u.display_name as name, p.grade, p.agency_id
        from platform_role r
        join app_user u on u.id = r.user_id
        left join manager_profile p on p.user_id = r.user_id
       where r.role = 'manager'
       order by u.id`.execute(db),
    sql<{ id: number; name: string; rating: 'level1' | 'level2' | null }>`
      select id, name, agency_rating as rating
        from organisation
       where type = 'agency'
       order by id`.execute(db),
    sql<{
      id: number;
      manager_user_id: number | null;
      proposed_by: number | null;
      need_org_id: number;
      need_org_type: string;
      offer_org_id: number;
      offer_org_type: string;
      contract_signed_on: string | null;
      registered_on: string | null;
      certified_amount_wan: number | null;
      active: boolean;
    }>`
      select m.id, m.manager_user_id, m.proposed_by, m.need_org_id, n.type as need_org_type,
             m.offer_org_id, o.type as offer_org_type, m.contract_signed_on, m.registered_on,
             m.certified_amount_wan,
             exists (select 1 from match_event e
                      where e.match_id = m.id and e.created_at >= ${range.start} and e.created_at < ${range.end})
               as active
        from match m
        join organisation n on n.id = m.need_org_id
        join organisation o on o.id = m.offer_org_id
       where m.manager_user_id in (select user_id from platform_role where role = 'manager')
          or m.proposed_by in (select user_id from platform_role where role = 'manager')`.execute(db),
  ]);
  const matchIds = matches.rows.map((m) => m.id);
  const managerIds = managers.rows.map((m) => m.user_id);
  const [events, activities] = await Promise.all([
    matchIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('match_event')
          .select(['id', 'match_id', 'type', 'actor_user_id', 'created_at'])
          .where('match_id', 'in', matchIds)
          .execute(),
    managerIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('match_activity')
          .select(['match_id', 'user_id', 'minutes', 'occurred_on', 'created_at'])
          .where('user_id', 'in', managerIds)
          .execute(),
  ]);
  return {
    managers: managers.rows.map((m) => ({
      userId: m.user_id,
      name: m.name,
      grade: m.grade,
      agencyId: m.agency_id,
    })),
    agencies: agencies.rows,
    matches: matches.rows.map((m) => ({
      id: m.id,
      managerUserId: m.manager_user_id,
      proposedBy: m.proposed_by,
      needOrgId: m.need_org_id,
      needOrgType: m.need_org_type,
      offerOrgId: m.offer_org_id,
      offerOrgType: m.offer_org_type,
      contractSignedOn: m.contract_signed_on,
      registeredOn: m.registered_on,
      certifiedAmountWan: m.certified_amount_wan === null ? null : Number(m.certified_amount_wan),
      activeInPeriod: m.active,
    })),
    events: events.map((e) => ({
      id: Number(e.id),
      matchId: e.match_id,
      type: e.type,
      actorUserId: e.actor_user_id,
      at: new Date(e.created_at),
    })),
    activities: activities.map((a) => ({
      matchId: a.match_id,
      userId: a.user_id,
      minutes: a.minutes,
      occurredOn: a.occurred_on,
      at: new Date(a.created_at),
    })),
  };
}

/** The league tables of technology managers and service agencies for a period. */
export async function loadLeague(db: Kysely<Database>, period: Period) {
  return buildLeague(await leagueInput(db, period), periodRange(period));
}

export async function loadDashboard(db: Kysely<Database>, period: Period, now: Date) {
  const [funnel, responses, interests, matches, listings, league] = await Promise.all([
    funnelCounts(db, period),
    interestResponses(db, period),
    overdueInterests(db, now),
    staleMatches(db, now),
    staleListings(db, now),
    loadLeague(db, period),
  ]);
  return { funnel, responses, overdue: { interests, matches }, staleListings: listings, league };
}
