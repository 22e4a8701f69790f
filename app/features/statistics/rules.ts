import { z } from 'zod';
import type { ManagerGrade } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';

/*
 * Pure rules of the statistics (issue 8): the statistics period (query parsing with zod, presets, month and
 * quarter ranges in Beijing time), medians and rates, the funnel, and the league tables of technology managers and
 * service agencies computed from the workflow log. No database here: statistics.server.ts reads the rows, these
 * functions aggregate them. Definitions of every number: docs/statistics.md.
 */

const s = zhCN.statistics;

/** China Standard Time is UTC+8 all year (no daylight saving since 1991): month boundaries are fixed offsets. */
const CST_OFFSET_MS = 8 * 3_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The longest period the filter accepts. */
export const MAX_PERIOD_MONTHS = 60;
/** The default period: this month and the 11 before it. */
export const DEFAULT_PERIOD_MONTHS = 12;
/** How many past quarters the preset list offers (the current one included). */
export const PRESET_QUARTERS = 8;
/** A published listing expiring within this many days is stale (needs renewal). */
export const STALE_LISTING_EXPIRY_DAYS = 14;
/** A published listing not updated for this many days is stale (needs updating). */
export const STALE_LISTING_IDLE_DAYS = 90;
/** Lists on the dashboard show at most this many rows (the total is always shown). */
export const DASHBOARD_LIST_LIMIT = 50;

/* ---------- months and quarters ---------- */

/** 'YYYY-MM' → months since year 0 (January 2026 = 2026 × 12). */
export function monthIndex(month: string): number {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return year * 12 + (m - 1);
}

export function monthFromIndex(index: number): string {
  const year = Math.floor(index / 12);
  return `${year}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function addMonths(month: string, n: number): string {
  return monthFromIndex(monthIndex(month) + n);
}

/** The month ('YYYY-MM') a moment falls in, in Beijing time. */
export function beijingMonth(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 7);
}

/** The date ('YYYY-MM-DD') a moment falls on, in Beijing time. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 Beijing time on the first day of the month. */
export function monthStart(month: string): Date {
  return new Date(Date.parse(`${month}-01T00:00:00Z`) - CST_OFFSET_MS);
}

/** 2026年3月 */
export function monthLabel(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return s.period.month(year, m);
}

export interface Quarter {
  /** '2026Q3' */
  key: string;
  year: number;
  quarter: 1 | 2 | 3 | 4;
  /** 2026年第3季度 */
  label: string;
  /** The quarter's first and last month ('YYYY-MM'). */
  first: string;
  last: string;
}

export function quarterOf(month: string): Quarter {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const quarter = (Math.floor((m - 1) / 3) + 1) as 1 | 2 | 3 | 4;
  const first = `${year}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}`;
  return {
    key: `${year}Q${quarter}`,
    year,
    quarter,
    label: quarterLabel(year, quarter),
    first,
    last: addMonths(first, 2),
  };
}

/** 2026年第3季度 */
export function quarterLabel(year: number, quarter: number): string {
  return s.period.quarter(year, quarter);
}

/** '2026Q3', '2026-Q3' or '2026q3' → the quarter; anything else → null. */
export function parseQuarter(value: string): Quarter | null {
  const m = /^(\d{4})-?[Qq]([1-4])$/.exec(value.trim());
  if (!m) return null;
  return quarterOf(`${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}`);
}

/* ---------- the period ---------- */

/** A statistics period: whole months in Beijing time, `from` and `to` included. Serialisable (strings only). */
export interface Period {
  /** First month, 'YYYY-MM'. */
  from: string;
  /** Last month, 'YYYY-MM' (included). */
  to: string;
  /** The preset quarter it was chosen as ('2026Q3'), or null for a range of months. */
  quarter: string | null;
  /** For people: 2026年第3季度, or 2025年12月至2026年11月. */
  label: string;
}

export interface PeriodRange {
  /** 00:00 Beijing time on the first day of `from` (included). */
  start: Date;
  /** 00:00 Beijing time on the first day after `to` (excluded). */
  end: Date;
  /** 'YYYY-MM-01' of `from`: for date columns, `>= startDate`. */
  startDate: string;
  /** 'YYYY-MM-01' of the month after `to`: for date columns, `< endDate`. */
  endDate: string;
  /** The last day of the period, 'YYYY-MM-DD' (for people and the export). */
  lastDate: string;
}

export function makePeriod(from: string, to: string, quarter: string | null = null): Period {
  const q = quarter ? parseQuarter(quarter) : null;
  return {
    from,
    to,
    quarter: q ? q.key : null,
    label: q ? q.label : s.period.range(monthLabel(from), monthLabel(to)),
  };
}

export function periodRange(period: Pick<Period, 'from' | 'to'>): PeriodRange {
  const after = addMonths(period.to, 1);
  const end = monthStart(after);
  return {
    start: monthStart(period.from),
    end,
    startDate: `${period.from}-01`,
    endDate: `${after}-01`,
    lastDate: new Date(Date.parse(`${after}-01T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10),
  };
}

/** The default period: the last 12 months, this month (Beijing time) included. */
export function defaultPeriod(now: Date): Period {
  const to = beijingMonth(now);
  return makePeriod(addMonths(to, -(DEFAULT_PERIOD_MONTHS - 1)), to);
}

/** The months of the period, oldest first. */
export function monthsOf(period: Pick<Period, 'from' | 'to'>): string[] {
  const out: string[] = [];
  for (let i = monthIndex(period.from); i <= monthIndex(period.to); i++) out.push(monthFromIndex(i));
  return out;
}

/** The quarters the period touches, oldest first; `partial` when the period covers only part of one. */
export function quartersOf(period: Pick<Period, 'from' | 'to'>): (Quarter & { partial: boolean })[] {
  const out: (Quarter & { partial: boolean })[] = [];
  for (
    let q = quarterOf(period.from);
    monthIndex(q.first) <= monthIndex(period.to);
    q = quarterOf(addMonths(q.last, 1))
  ) {
    out.push({
      ...q,
      partial: monthIndex(q.first) < monthIndex(period.from) || monthIndex(q.last) > monthIndex(period.to),
    });
  }
  return out;
}

/** The preset quarters of the filter, newest first: this quarter and the PRESET_QUARTERS − 1 before it. */
export function presetQuarters(now: Date, count: number = PRESET_QUARTERS): Quarter[] {
  const out: Quarter[] = [];
  let q = quarterOf(beijingMonth(now));
  for (let i = 0; i < count; i++) {
    out.push(q);
    q = quarterOf(addMonths(q.first, -1));
  }
  return out;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const monthField = z.preprocess(
  blankToUndefined,
  z
    .string({ error: s.errors.month })
    .trim()
    .regex(MONTH, { error: s.errors.month })
    .refine((v) => !MONTH.test(v) || (v >= '2000-01' && v <= '2100-12'), { error: s.errors.range })
    .optional(),
);

/**
 * The period query (`?from=YYYY-MM&to=YYYY-MM` or `?quarter=2026Q3`), validated with Chinese field messages.
 * - `quarter` wins over `from` / `to` (the form sends all three);
 * - `from` alone runs to this month; `to` alone covers the 12 months up to it; neither: the last 12 months;
 * - months may not lie after this month (Beijing time), `to` not before `from`, at most MAX_PERIOD_MONTHS months.
 */
export function periodQuerySchema(now: Date) {
  const current = beijingMonth(now);
  return z
    .object({
      from: monthField,
      to: monthField,
      quarter: z.preprocess(
        blankToUndefined,
        z
          .string({ error: s.errors.quarter })
          .trim()
          .refine((v) => parseQuarter(v) !== null, { error: s.errors.quarter })
          .optional(),
      ),
    })
    .superRefine((raw, ctx) => {
      // Only well-formed values take part (a malformed one already has its message).
      const ok = (m: string | undefined) => (m !== undefined && MONTH.test(m) ? m : undefined);
      const v = { from: ok(raw.from), to: ok(raw.to), quarter: raw.quarter };
      if (v.quarter !== undefined) {
        const q = parseQuarter(v.quarter);
        if (q && q.first > current)
          ctx.addIssue({ code: 'custom', path: ['quarter'], message: s.errors.future });
        if (q && (q.year < 2000 || q.year > 2100))
          ctx.addIssue({ code: 'custom', path: ['quarter'], message: s.errors.range });
        return;
      }
      if (v.from !== undefined && v.from > current)
        ctx.addIssue({ code: 'custom', path: ['from'], message: s.errors.future });
      if (v.to !== undefined && v.to > current)
        ctx.addIssue({ code: 'custom', path: ['to'], message: s.errors.future });
      if (v.from !== undefined && v.to !== undefined) {
        if (v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: s.errors.order });
        else if (monthIndex(v.to) - monthIndex(v.from) + 1 > MAX_PERIOD_MONTHS)
          ctx.addIssue({ code: 'custom', path: ['to'], message: s.errors.tooLong(MAX_PERIOD_MONTHS) });
      }
    })
    .transform((v): Period => {
      if (v.quarter !== undefined) {
        const q = parseQuarter(v.quarter)!;
        return makePeriod(q.first, q.last, q.key);
      }
      if (v.from === undefined && v.to === undefined) return defaultPeriod(now);
      const to = v.to ?? current;
      const from = v.from ?? addMonths(to, -(DEFAULT_PERIOD_MONTHS - 1));
      return makePeriod(from, to);
    });
}

export type PeriodParse =
  | { ok: true; period: Period }
  | {
      ok: false;
      period: Period;
      fieldErrors: Record<string, string[]>;
      values: { from: string; to: string; quarter: string };
    };

/** Parses the period from a URL's query; a bad one gives the default period with the field errors. */
export function parsePeriod(params: URLSearchParams, now: Date): PeriodParse {
  const values = {
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    quarter: params.get('quarter') ?? '',
  };
  const parsed = periodQuerySchema(now).safeParse(values);
  if (parsed.success) return { ok: true, period: parsed.data };
  return {
    ok: false,
    period: defaultPeriod(now),
    fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
    values,
  };
}

/** The query string of a period, for links (the export) and the form's values. */
export function periodQuery(period: Period): string {
  return period.quarter ? `quarter=${period.quarter}` : `from=${period.from}&to=${period.to}`;
}

/* ---------- numbers ---------- */

/** The median of the values (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** numerator / denominator, or null when the denominator is 0. */
export function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** 0.4567 → '45.7%'; null → '—'. */
export function formatRate(value: number | null): string {
  return value === null ? s.none : `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
}

/** Hours with one decimal (median response times); null → '—'. */
export function formatHours(hours: number | null): string {
  return hours === null ? s.none : (Math.round(hours * 10) / 10).toFixed(1);
}

const amountFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });
/** 1234.5 → '1,234.5' (amounts in 万元 in tables, whose header names the unit). */
export function formatAmount(value: number): string {
  return amountFormat.format(value);
}

/** Rounds an amount in 万元 to two decimals (sums of numeric(12,2) values read as floats). */
export function roundWan(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/* ---------- the funnel ---------- */

export const FUNNEL_STAGES = ['published', 'interests', 'accepted', 'contracts', 'registered'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface FunnelRow {
  stage: FunnelStage;
  label: string;
  count: number;
  /** count / the previous stage's count (null for the first stage or a previous 0). */
  fromPrevious: number | null;
  /** count / the first stage's count. */
  fromFirst: number | null;
}

export function funnel(counts: Record<FunnelStage, number>): FunnelRow[] {
  return FUNNEL_STAGES.map((stage, i) => ({
    stage,
    label: s.dashboard.funnel.stage[stage],
    count: counts[stage],
    fromPrevious: i === 0 ? null : rate(counts[stage], counts[FUNNEL_STAGES[i - 1]!]),
    fromFirst: i === 0 ? null : rate(counts[stage], counts[FUNNEL_STAGES[0]]),
  }));
}

/* ---------- series ---------- */

/** Counts per key of `keys` (missing keys → 0), in the order of `keys`. */
export function fill<K extends string>(
  keys: readonly K[],
  rows: readonly { key: string; n: number }[],
): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const row of rows) if (row.key in out) out[row.key as K] += row.n;
  return out;
}

/* ---------- league tables (workflow log only) ---------- */

export interface LeagueManagerInput {
  userId: number;
  name: string;
  grade: ManagerGrade | null;
  agencyId: number | null;
}
export interface LeagueAgencyInput {
  id: number;
  name: string;
  rating: 'level1' | 'level2' | null;
}
/** A match brokered by a manager: manager_user_id or proposed_by is one of the managers. */
export interface LeagueMatchInput {
  id: number;
  managerUserId: number | null;
  proposedBy: number | null;
  needOrgId: number;
  needOrgType: string;
  offerOrgId: number;
  offerOrgType: string;
  /** 'YYYY-MM-DD' */
  contractSignedOn: string | null;
  registeredOn: string | null;
  certifiedAmountWan: number | null;
  /** At least one match_event (its creation included) lies in the period. */
  activeInPeriod: boolean;
}
export interface LeagueEventInput {
  id: number;
  matchId: number;
  type: string;
  actorUserId: number | null;
  at: Date;
}
export interface LeagueActivityInput {
  matchId: number;
  userId: number;
  minutes: number;
  /** 'YYYY-MM-DD' */
  occurredOn: string;
  /** When it was logged. */
  at: Date;
}
export interface LeagueInput {
  managers: readonly LeagueManagerInput[];
  agencies: readonly LeagueAgencyInput[];
  matches: readonly LeagueMatchInput[];
  events: readonly LeagueEventInput[];
  activities: readonly LeagueActivityInput[];
}

export interface LeagueFigures {
  /** 服务对接数 */
  matches: number;
  /** 签订合同数 */
  contracts: number;
  /** 核定技术交易额 (万元) */
  registeredWan: number;
  /** 服务企业数 */
  enterprises: number;
  /** 响应用时中位数 (hours) */
  medianResponseHours: number | null;
  /** How many response samples the median is taken over. */
  responses: number;
  /** 记录工时 (minutes) */
  minutes: number;
}
export interface ManagerLeagueRow extends LeagueFigures {
  userId: number;
  name: string;
  grade: ManagerGrade | null;
  agencyId: number | null;
  agencyName: string | null;
}
export interface AgencyLeagueRow extends LeagueFigures {
  id: number;
  name: string;
  rating: 'level1' | 'level2' | null;
  managerCount: number;
}

const ASSIGNMENT_EVENTS = new Set(['manager_took', 'manager_assigned']);

export interface ResponseSample {
  matchId: number;
  userId: number;
  start: Date;
  hours: number;
}

/**
 * The response samples of one manager: for each of their matches, the start — the 'proposed' event when they
 * proposed it, otherwise the latest assignment event (manager_took / manager_assigned) when they are its manager —
 * and the first match_event they made or match_activity they logged strictly after it. Matches with no start
 * event or no response yet give no sample.
 */
export function responseSamples(
  userId: number,
  matches: readonly LeagueMatchInput[],
  events: readonly LeagueEventInput[],
  activities: readonly LeagueActivityInput[],
): ResponseSample[] {
  const eventsOf = new Map<number, LeagueEventInput[]>();
  for (const e of events) eventsOf.set(e.matchId, [...(eventsOf.get(e.matchId) ?? []), e]);
  const out: ResponseSample[] = [];
  for (const match of matches) {
    if (match.proposedBy !== userId && match.managerUserId !== userId) continue;
    const own = (eventsOf.get(match.id) ?? [])
      .slice()
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id);
    const startEvent =
      match.proposedBy === userId
        ? own.find((e) => e.type === 'proposed')
        : own.filter((e) => ASSIGNMENT_EVENTS.has(e.type)).at(-1);
    if (!startEvent) continue;
    const start = startEvent.at.getTime();
    const candidates = [
      ...own
        .filter((e) => e.id !== startEvent.id && e.actorUserId === userId && e.at.getTime() > start)
        .map((e) => e.at.getTime()),
      ...activities
        .filter((a) => a.matchId === match.id && a.userId === userId && a.at.getTime() > start)
        .map((a) => a.at.getTime()),
    ];
    if (candidates.length === 0) continue;
    out.push({
      matchId: match.id,
      userId,
      start: startEvent.at,
      hours: (Math.min(...candidates) - start) / HOUR_MS,
    });
  }
  return out;
}

function inRange(date: string | null, range: PeriodRange): boolean {
  return date !== null && date >= range.startDate && date < range.endDate;
}

function figures(
  matches: readonly LeagueMatchInput[],
  samples: readonly ResponseSample[],
  minutes: number,
  range: PeriodRange,
): LeagueFigures {
  const active = matches.filter((m) => m.activeInPeriod);
  const enterprises = new Set<number>();
  for (const m of active) {
    if (m.needOrgType === 'enterprise') enterprises.add(m.needOrgId);
    if (m.offerOrgType === 'enterprise') enterprises.add(m.offerOrgId);
  }
  const inPeriod = samples.filter((x) => x.start >= range.start && x.start < range.end);
  return {
    matches: active.length,
    contracts: matches.filter((m) => inRange(m.contractSignedOn, range)).length,
    registeredWan: roundWan(
      matches
        .filter((m) => inRange(m.registeredOn, range))
        .reduce((sum, m) => sum + (m.certifiedAmountWan ?? 0), 0),
    ),
    enterprises: enterprises.size,
    medianResponseHours: median(inPeriod.map((x) => x.hours)),
    responses: inPeriod.length,
    minutes,
  };
}

/** Higher registered amount first, then more contracts, then more matches, then the name (Chinese order). */
function byRank(a: LeagueFigures & { name: string }, b: LeagueFigures & { name: string }): number {
  return (
    b.registeredWan - a.registeredWan ||
    b.contracts - a.contracts ||
    b.matches - a.matches ||
    a.name.localeCompare(b.name, 'zh-CN')
  );
}

/**
 * The league tables of a period, computed only from the workflow log (match, match_event, match_activity):
 * one row per technology manager and one per service agency (the aggregate of the managers whose profile names
 * it; a match counted once however many of its managers worked on it). Definitions: docs/statistics.md.
 */
export function buildLeague(
  input: LeagueInput,
  range: PeriodRange,
): { managers: ManagerLeagueRow[]; agencies: AgencyLeagueRow[] } {
  const agencyName = new Map(input.agencies.map((a) => [a.id, a.name]));
  const minutesOf = (userIds: Set<number>) =>
    input.activities
      .filter((a) => userIds.has(a.userId) && inRange(a.occurredOn, range))
      .reduce((sum, a) => sum + a.minutes, 0);
  const matchesOf = (userIds: Set<number>) =>
    input.matches.filter(
      (m) =>
        (m.managerUserId !== null && userIds.has(m.managerUserId)) ||
        (m.proposedBy !== null && userIds.has(m.proposedBy)),
    );
  const samplesOf = new Map(
    input.managers.map((m) => [
      m.userId,
      responseSamples(m.userId, input.matches, input.events, input.activities),
    ]),
  );

  const managers = input.managers
    .map((m): ManagerLeagueRow => {
      const ids = new Set([m.userId]);
      return {
        userId: m.userId,
        name: m.name,
        grade: m.grade,
        agencyId: m.agencyId,
        agencyName: m.agencyId === null ? null : (agencyName.get(m.agencyId) ?? null),
        ...figures(matchesOf(ids), samplesOf.get(m.userId) ?? [], minutesOf(ids), range),
      };
    })
    .sort(byRank);

  const agencies = input.agencies
    .map((a): AgencyLeagueRow => {
      const members = input.managers.filter((m) => m.agencyId === a.id);
      const ids = new Set(members.map((m) => m.userId));
      return {
        id: a.id,
        name: a.name,
        rating: a.rating,
        managerCount: members.length,
        ...figures(
          matchesOf(ids),
          members.flatMap((m) => samplesOf.get(m.userId) ?? []),
          minutesOf(ids),
          range,
        ),
      };
    })
    .sort(byRank);

  return { managers, agencies };
}
