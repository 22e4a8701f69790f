import type { LoaderFunctionArgs } from '@remix-run/node';
import { LISTING_KINDS, MATCH_STATES } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { requirePermission } from '../../server/auth.server.ts';
import { formatDateIso, formatDateTime } from '../../ui/format.ts';
import { STALE_DAYS } from '../matching/match-pages.server.ts';
import { barChart, CHART_COLORS } from './charts.server.ts';
import {
  type FunnelRow,
  formatAmount,
  formatHours,
  formatRate,
  funnel,
  monthLabel,
  type PeriodParse,
  parsePeriod,
  periodQuery,
  presetQuarters,
  rate,
  roundWan,
  STALE_LISTING_EXPIRY_DAYS,
  STALE_LISTING_IDLE_DAYS,
} from './rules.ts';
import { loadDashboard, loadPublicStatistics, type PublicStatistics } from './statistics.server.ts';

/*
 * The loader bodies of /statistics (public) and /bureau/dashboard (bureau staff): the period from the query, the
 * numbers (statistics.server.ts), and for every chart its SVG (charts.server.ts), an aria summary and the same
 * numbers as a table. Every string comes from zhCN.statistics.
 */

const s = zhCN.statistics;
/** Colours of the listing kinds (app/styles/app.css --demand, --achievement, --scenario). */
const KIND_COLORS = { demand: '#1d4f91', achievement: '#2f6b3a', scenario: '#8a4b08' } as const;

export interface TableView {
  head: string[];
  /** The first cell of each row is its header (th scope="row"). */
  rows: { key: string; cells: string[] }[];
  foot?: string[];
}
export interface ChartView {
  id: string;
  title: string;
  /** aria-label of the chart (role="img"): title and summary. */
  label: string;
  /** null when there is nothing to draw: the table (or its empty message) stands alone. */
  svg: string | null;
  note?: string;
  table: TableView;
}

function chartLabel(title: string, summary: string): string {
  return s.chart.label(title, summary);
}

/** The period form's state: values to show, field errors, the preset quarters. */
function periodForm(parsed: PeriodParse, now: Date) {
  const values = parsed.ok
    ? { from: parsed.period.from, to: parsed.period.to, quarter: parsed.period.quarter ?? '' }
    : parsed.values;
  return {
    values,
    errors: parsed.ok ? {} : parsed.fieldErrors,
    invalid: !parsed.ok,
    quarters: presetQuarters(now).map((q) => ({ value: q.key, label: q.label })),
  };
}

/* ---------- the public page ---------- */

export function publicCharts(stats: PublicStatistics): ChartView[] {
  const kindLabels = LISTING_KINDS.map((k) => zhCN.kind[k]);
  const kindParts = LISTING_KINDS.map((k) => `${zhCN.kind[k]} ${s.count(stats.liveByKind[k], s.unit.item)}`);
  const liveKind: ChartView = {
    id: 'live-kind',
    title: s.live.byKind,
    label: chartLabel(s.live.byKind, s.live.summary(kindParts.join(s.listSeparator))),
    svg: barChart({
      categories: kindLabels,
      series: [{ name: s.live.count, values: LISTING_KINDS.map((k) => stats.liveByKind[k]) }],
      categoryColors: LISTING_KINDS.map((k) => KIND_COLORS[k]),
      valueLabels: true,
      integers: true,
      height: 240,
    }),
    table: {
      head: [s.live.kind, s.live.count],
      rows: LISTING_KINDS.map((k) => ({ key: k, cells: [zhCN.kind[k], String(stats.liveByKind[k])] })),
      foot: [s.live.total, String(stats.liveTotal)],
    },
  };

  const topFields = [...stats.liveByField]
    .filter((f) => f.count > 0)
    .sort((a, b) => b.count - a.count)
    .slice(0, 3)
    .map((f) => `${f.name} ${s.count(f.count, s.unit.item)}`);
  const liveField: ChartView = {
    id: 'live-field',
    title: s.live.byField,
    label: chartLabel(
      s.live.byField,
      topFields.length ? s.live.summary(topFields.join(s.listSeparator)) : s.chart.empty,
    ),
    svg: barChart({
      categories: stats.liveByField.map((f) => f.name),
      series: [{ name: s.live.count, values: stats.liveByField.map((f) => f.count), color: CHART_COLORS[0] }],
      horizontal: true,
      valueLabels: true,
      integers: true,
    }),
    note: s.live.byFieldNote,
    table: {
      head: [s.live.field, s.live.chainAction, s.live.count],
      rows: stats.liveByField.map((f) => ({
        key: f.code,
        cells: [
          f.name,
          zhCN.chainAction[f.chainAction as keyof typeof zhCN.chainAction] ?? f.chainAction,
          String(f.count),
        ],
      })),
    },
  };

  const monthTotal = stats.newPerMonth.reduce((sum, m) => sum + m.total, 0);
  const busiest = stats.newPerMonth.reduce<(typeof stats.newPerMonth)[number] | null>(
    (best, m) => (m.total > 0 && (best === null || m.total > best.total) ? m : best),
    null,
  );
  const newMonth: ChartView = {
    id: 'new-month',
    title: s.newPerMonth.chart,
    label: chartLabel(
      s.newPerMonth.chart,
      s.newPerMonth.summary(
        monthTotal,
        busiest ? `${monthLabel(busiest.month)}（${s.count(busiest.total, s.unit.item)}）` : null,
      ),
    ),
    svg: barChart({
      categories: stats.newPerMonth.map((m) => m.month),
      series: LISTING_KINDS.map((k) => ({
        name: zhCN.kind[k],
        values: stats.newPerMonth.map((m) => m.counts[k]),
        color: KIND_COLORS[k],
      })),
      stacked: true,
      integers: true,
    }),
    note: s.newPerMonth.note,
    table: {
      head: [s.newPerMonth.month, ...kindLabels, s.newPerMonth.total],
      rows: stats.newPerMonth.map((m) => ({
        key: m.month,
        cells: [monthLabel(m.month), ...LISTING_KINDS.map((k) => String(m.counts[k])), String(m.total)],
      })),
      foot: [
        s.newPerMonth.total,
        ...LISTING_KINDS.map((k) => String(stats.newPerMonth.reduce((sum, m) => sum + m.counts[k], 0))),
        String(monthTotal),
      ],
    },
  };

  const stateLabels = MATCH_STATES.map((st) => zhCN.matching.state[st]);
  const matchState: ChartView = {
    id: 'match-state',
    title: s.matches.byState,
    label: chartLabel(
      s.matches.byState,
      s.matches.summary(
        stats.matchesTotal,
        MATCH_STATES.filter((st) => stats.matchesByState[st] > 0)
          .map((st) => `${zhCN.matching.state[st]} ${s.count(stats.matchesByState[st], s.unit.match)}`)
          .join(s.listSeparator) || s.none,
      ),
    ),
    svg: barChart({
      categories: stateLabels,
      series: [
        {
          name: s.matches.count,
          values: MATCH_STATES.map((st) => stats.matchesByState[st]),
          color: CHART_COLORS[3],
        },
      ],
      horizontal: true,
      valueLabels: true,
      integers: true,
    }),
    note: s.matches.note,
    table: {
      head: [s.matches.state, s.matches.count],
      rows: MATCH_STATES.map((st) => ({
        key: st,
        cells: [zhCN.matching.state[st], String(stats.matchesByState[st])],
      })),
      foot: [s.matches.total, String(stats.matchesTotal)],
    },
  };

  const quarterName = (q: PublicStatistics['perQuarter'][number]) =>
    q.label + (q.partial ? s.period.partial : '');
  const signedTotal = roundWan(stats.perQuarter.reduce((sum, q) => sum + q.signedWan, 0));
  const registeredTotal = roundWan(stats.perQuarter.reduce((sum, q) => sum + q.registeredWan, 0));
  const wan = (n: number) => `${formatAmount(n)} ${s.unit.wan}`;
  const contractQuarter: ChartView = {
    id: 'contract-quarter',
    title: s.contracts.perQuarter,
    label: chartLabel(s.contracts.perQuarter, s.contracts.summary(wan(signedTotal), wan(registeredTotal))),
    svg: barChart({
      categories: stats.perQuarter.map(quarterName),
      series: [
        {
          name: s.contracts.series.signed,
          values: stats.perQuarter.map((q) => q.signedWan),
          color: CHART_COLORS[0],
        },
        {
          name: s.contracts.series.registered,
          values: stats.perQuarter.map((q) => q.registeredWan),
          color: CHART_COLORS[1],
        },
      ],
      valueLabels: stats.perQuarter.length <= 6,
    }),
    note: `${s.contracts.note}${stats.perQuarter.some((q) => q.partial) ? s.period.partialNote : ''}`,
    table: {
      head: [
        s.contracts.quarter,
        s.contracts.signedCount,
        s.contracts.signedAmount,
        s.contracts.registeredCount,
        s.contracts.registeredAmount,
      ],
      rows: stats.perQuarter.map((q) => ({
        key: q.key,
        cells: [
          quarterName(q),
          String(q.signedCount),
          formatAmount(q.signedWan),
          String(q.registeredCount),
          formatAmount(q.registeredWan),
        ],
      })),
      foot: [
        s.contracts.total,
        String(stats.perQuarter.reduce((sum, q) => sum + q.signedCount, 0)),
        formatAmount(signedTotal),
        String(stats.perQuarter.reduce((sum, q) => sum + q.registeredCount, 0)),
        formatAmount(registeredTotal),
      ],
    },
  };

  const editionTotal = stats.editionsPerYear.reduce((sum, y) => sum + y.count, 0);
  const editionYear: ChartView = {
    id: 'edition-year',
    title: s.editions.perYear,
    label: chartLabel(s.editions.perYear, s.editions.summary(editionTotal)),
    svg:
      stats.editionsPerYear.length === 0
        ? null
        : barChart({
            categories: stats.editionsPerYear.map((y) => s.editions.yearLabel(y.year)),
            series: [
              {
                name: s.editions.count,
                values: stats.editionsPerYear.map((y) => y.count),
                color: CHART_COLORS[2],
              },
            ],
            valueLabels: true,
            integers: true,
            height: 240,
          }),
    note: s.editions.note,
    table: {
      head: [s.editions.year, s.editions.count],
      rows: stats.editionsPerYear.map((y) => ({
        key: String(y.year),
        cells: [s.editions.yearLabel(y.year), String(y.count)],
      })),
      foot: [s.contracts.total, String(editionTotal)],
    },
  };

  return [liveKind, liveField, newMonth, matchState, contractQuarter, editionYear];
}

/** GET /statistics: public, no sign-in. */
export async function statisticsPageLoader({ request, context }: LoaderFunctionArgs, now: Date = new Date()) {
  const parsed = parsePeriod(new URL(request.url).searchParams, now);
  const stats = await loadPublicStatistics(context.db, parsed.period, now);
  return {
    period: parsed.period,
    form: periodForm(parsed, now),
    generatedAt: formatDateTime(now),
    stats,
    charts: publicCharts(stats),
  };
}

/* ---------- the bureau dashboard ---------- */

export function funnelChart(rows: FunnelRow[]): ChartView {
  const title = s.dashboard.funnel.chart;
  return {
    id: 'funnel',
    title,
    label: chartLabel(
      title,
      s.dashboard.funnel.summary(rows.map((r) => `${r.label} ${r.count}`).join(s.separator)),
    ),
    svg: barChart({
      categories: rows.map((r) => r.label),
      series: [{ name: s.dashboard.funnel.count, values: rows.map((r) => r.count), color: CHART_COLORS[0] }],
      horizontal: true,
      valueLabels: true,
      integers: true,
    }),
    note: s.dashboard.funnel.note,
    table: {
      head: [
        s.dashboard.funnel.stageHeader,
        s.dashboard.funnel.count,
        s.dashboard.funnel.fromPrevious,
        s.dashboard.funnel.fromFirst,
      ],
      rows: rows.map((r) => ({
        key: r.stage,
        cells: [r.label, String(r.count), formatRate(r.fromPrevious), formatRate(r.fromFirst)],
      })),
    },
  };
}

/** GET /bureau/dashboard: bureau staff only. */
export async function dashboardPageLoader({ request, context }: LoaderFunctionArgs, now: Date = new Date()) {
  await requirePermission(request, context, 'read:bureau-area:any');
  const parsed = parsePeriod(new URL(request.url).searchParams, now);
  const data = await loadDashboard(context.db, parsed.period, now);
  const funnelRows = funnel(data.funnel);
  const d = s.dashboard;
  return {
    period: parsed.period,
    query: periodQuery(parsed.period),
    form: periodForm(parsed, now),
    generatedAt: formatDateTime(now),
    funnel: funnelRows,
    funnelChart: funnelChart(funnelRows),
    responses: {
      answered: data.responses.answered,
      onTime: data.responses.onTime,
      onTimeRate: formatRate(rate(data.responses.onTime, data.responses.answered)),
      medianHours: data.responses.medianHours,
      median:
        data.responses.medianHours === null
          ? null
          : d.response.hours(formatHours(data.responses.medianHours)) +
            (data.responses.medianHours >= 48
              ? `（${d.response.days(formatHours(data.responses.medianHours / 24))}）`
              : ''),
    },
    overdueInterests: {
      total: data.overdue.interests.total,
      rows: data.overdue.interests.rows.map((r) => ({
        id: r.id,
        listingId: r.listing_id,
        title: r.title,
        kind: r.kind,
        owner: r.owner,
        received: formatDateIso(r.created_at),
        respondBy: formatDateIso(r.respond_by),
        overdueDays: r.overdueDays,
      })),
    },
    staleMatchDays: STALE_DAYS,
    staleMatches: {
      total: data.overdue.matches.total,
      rows: data.overdue.matches.rows.map((r) => ({
        id: r.id,
        state: r.state,
        title: [r.need_title, r.offer_title].filter(Boolean).join(' ⇄ ') || d.overdue.matchTitle(r.id),
        manager: r.manager,
        lastEvent: formatDateIso(r.last_at),
        idleDays: r.idleDays,
      })),
    },
    staleListings: {
      total: data.staleListings.total,
      rows: data.staleListings.rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        title: r.title,
        owner: r.owner,
        expiresAt: formatDateIso(r.expires_at),
        updatedAt: formatDateIso(r.updated_at),
        expiring: r.expiring,
        notUpdated: r.not_updated,
      })),
      expiryDays: STALE_LISTING_EXPIRY_DAYS,
      idleDays: STALE_LISTING_IDLE_DAYS,
    },
    league: data.league,
  };
}
