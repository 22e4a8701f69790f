import type { LoaderFunctionArgs } from '@remix-run/node';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { login } from '../../app/features/accounts/accounts.server.ts';
import {
  formatAmount,
  formatHours,
  formatRate,
  presetQuarters,
} from '../../app/features/statistics/rules.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import { loader as xlsxLoader } from '../../app/routes/bureau.dashboard.evaluation[.]xlsx.ts';
import { loader as dashboardLoader } from '../../app/routes/bureau.dashboard.tsx';
import { loader as statisticsLoader } from '../../app/routes/statistics.tsx';
import type { AppContext } from '../../app/server/context.ts';
import type { DbHandle } from '../../db/client.ts';
import { LISTING_KINDS, MATCH_STATES } from '../../db/schema.ts';
import { DEMO_PASSWORD } from '../../db/seed/data/people.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';

/*
 * The statistics page and the bureau dashboard on the seeded demo data (PGlite, and PostgreSQL with DATABASE_URL):
 * every number they show is compared with a count written here in plain SQL, independently of
 * app/features/statistics; the evaluation export is read back with exceljs. The clock is frozen (Date only) so
 * that the loaders and the SQL below look at the same moment.
 */

const s = zhCN.statistics;
let handle: DbHandle;
let ctx: AppContext;
let NOW: Date;
let adminCookie: string;
let memberCookie: string;

async function cookieOf(email: string): Promise<string> {
  const r = await login(
    handle.db,
    ctx.config,
    { email, password: DEMO_PASSWORD },
    { ip: '203.0.113.9', userAgent: null },
  );
  if (!r.ok) throw new Error(`login failed for ${email}`);
  return r.value.cookie.split(';')[0]!;
}

function args(path: string, cookie?: string): LoaderFunctionArgs {
  return {
    request: new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} }),
    params: {},
    context: ctx,
  } as LoaderFunctionArgs;
}

async function rows<T>(query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(handle.db)).rows;
}

/** The period in SQL: [start, end) as timestamps and dates, from 'YYYY-MM' months read as Beijing months. */
async function bounds(from: string, to: string) {
  const [row] = await rows<{ start: Date; end: Date; start_date: string; end_date: string }>(sql`
    select (${`${from}-01`}::timestamp at time zone 'Asia/Shanghai') as start,
           ((${`${to}-01`}::date + interval '1 month')::timestamp at time zone 'Asia/Shanghai') as "end",
           ${`${from}-01`}::date as start_date,
           (${`${to}-01`}::date + interval '1 month')::date as end_date`);
  return row!;
}

/** The last 12 Beijing months up to the month of NOW, computed by PostgreSQL. */
async function defaultMonths(): Promise<{ from: string; to: string }> {
  const [row] = await rows<{ from: string; to: string }>(sql`
    select to_char(date_trunc('month', ${NOW}::timestamptz at time zone 'Asia/Shanghai') - interval '11 months',
                   'YYYY-MM') as "from",
           to_char(${NOW}::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM') as "to"`);
  return row!;
}

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  ctx = testContext(handle);
  adminCookie = await cookieOf('admin@helin-demo.cn');
  memberCookie = await cookieOf('owner-chilechuan-dairy@helin-demo.cn');
  NOW = new Date();
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
});
afterAll(async () => {
  vi.useRealTimers();
  await handle.close();
});

describe('the seeded demo has brokering to count', () => {
  it('has interests of every status and matches in every state', async () => {
    const interests = await rows<{ status: string; n: number }>(sql`
      select status, count(*)::int as n from interest group by status`);
    expect(Object.fromEntries(interests.map((r) => [r.status, r.n]))).toMatchObject({
      pending: expect.any(Number),
      accepted: expect.any(Number),
      declined: expect.any(Number),
      withdrawn: expect.any(Number),
    });
    expect(interests.reduce((n, r) => n + r.n, 0)).toBeGreaterThanOrEqual(50);
    const states = await rows<{ state: string }>(sql`select distinct state from match`);
    expect(states.map((r) => r.state).sort()).toEqual([...MATCH_STATES].sort());
    const [overdue] = await rows<{ n: number }>(sql`
      select count(*)::int as n from interest where status = 'pending' and respond_by < ${NOW}`);
    expect(overdue!.n).toBeGreaterThan(0);
    const codes = await rows<{ decline_code: string }>(sql`
      select distinct decline_code from interest where status = 'declined'`);
    expect(codes.length).toBe(6);
  });

  it('keeps the rules of the workflow: answers after the interest, steps in order, registrations well-formed', async () => {
    const [bad] = await rows<{ early: number; order: number; regno: number; before: number }>(sql`
      select
        (select count(*)::int from interest i join listing l on l.id = i.listing_id
          where i.created_at < l.published_at or i.responded_at < i.created_at
             or i.requester_org_id = l.organisation_id) as early,
        (select count(*)::int from (select created_at < lag(created_at) over (partition by match_id order by id) as back
                                      from match_event) x where back) as "order",
        (select count(*)::int from match where registration_no is not null
                                          and registration_no !~ '^20[0-9]{2}150123[0-9]{6}$') as regno,
        (select count(*)::int from match where registered_on < contract_signed_on) as before`);
    expect(bad).toEqual({ early: 0, order: 0, regno: 0, before: 0 });
  });
});

describe('the public statistics page (/statistics)', () => {
  let page: Awaited<ReturnType<typeof statisticsLoader>>;
  let period: { from: string; to: string };

  beforeAll(async () => {
    page = await statisticsLoader(args('/statistics'));
    period = await defaultMonths();
  });

  it('is for everyone and covers the last 12 months by default', () => {
    expect(page.period).toMatchObject(period);
    expect(page.form.invalid).toBe(false);
    expect(page.charts.map((c) => c.id)).toEqual([
      'live-kind',
      'live-field',
      'new-month',
      'match-state',
      'contract-quarter',
      'edition-year',
    ]);
    for (const chart of page.charts) {
      expect(chart.svg, chart.id).toMatch(/^<svg /);
      expect(chart.label, chart.id).toContain(chart.title);
    }
  });

  it('counts live listings by kind as SQL does', async () => {
    const live = await rows<{ kind: string; n: number }>(sql`
      select kind, count(*)::int as n from listing
       where status = 'published' and expires_at > ${NOW} group by kind`);
    const expected = Object.fromEntries(
      LISTING_KINDS.map((k) => [k, live.find((r) => r.kind === k)?.n ?? 0]),
    );
    expect(page.stats.liveByKind).toEqual(expected);
    expect(page.stats.liveTotal).toBe(live.reduce((n, r) => n + r.n, 0));
    const table = page.charts.find((c) => c.id === 'live-kind')!.table;
    expect(table.rows.map((r) => r.cells)).toEqual(
      LISTING_KINDS.map((k) => [zhCN.kind[k], String(expected[k])]),
    );
    expect(table.foot).toEqual([s.live.total, String(page.stats.liveTotal)]);
  });

  it('counts live listings by field as SQL does', async () => {
    const byField = await rows<{ code: string; n: number }>(sql`
      select f.code,
             (select count(*)::int from listing_field lf join listing l on l.id = lf.listing_id
               where lf.field_id = f.id and l.status = 'published' and l.expires_at > ${NOW}) as n
        from field f where f.active order by f.sort_order, f.id`);
    expect(page.stats.liveByField.map((f) => [f.code, f.count])).toEqual(byField.map((r) => [r.code, r.n]));
    const table = page.charts.find((c) => c.id === 'live-field')!.table;
    expect(table.rows.map((r) => r.cells[2])).toEqual(byField.map((r) => String(r.n)));
  });

  it('counts new listings per month by their first publication (Beijing time) as SQL does', async () => {
    const { start, end } = await bounds(period.from, period.to);
    const firsts = await rows<{ month: string; kind: string; n: number }>(sql`
      select to_char(first_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, kind, count(*)::int as n
        from (select l.id, l.kind, min(e.created_at) as first_at
                from listing l join listing_event e on e.listing_id = l.id and e.type = 'published'
               group by l.id, l.kind) x
       where first_at >= ${start} and first_at < ${end}
       group by 1, 2`);
    expect(page.stats.newPerMonth).toHaveLength(12);
    expect(page.stats.newPerMonth[0]!.month).toBe(period.from);
    for (const m of page.stats.newPerMonth) {
      for (const kind of LISTING_KINDS) {
        expect(m.counts[kind], `${m.month} ${kind}`).toBe(
          firsts.find((r) => r.month === m.month && r.kind === kind)?.n ?? 0,
        );
      }
    }
    const total = firsts.reduce((n, r) => n + r.n, 0);
    expect(total).toBeGreaterThan(0);
    const table = page.charts.find((c) => c.id === 'new-month')!.table;
    expect(table.foot?.at(-1)).toBe(String(total));
    expect(table.rows.map((r) => r.cells.at(-1))).toEqual(page.stats.newPerMonth.map((m) => String(m.total)));
  });

  it('counts matches by state as SQL does', async () => {
    const byState = await rows<{ state: string; n: number }>(sql`
      select state, count(*)::int as n from match group by state`);
    for (const state of MATCH_STATES)
      expect(page.stats.matchesByState[state], state).toBe(byState.find((r) => r.state === state)?.n ?? 0);
    const [total] = await rows<{ n: number }>(sql`select count(*)::int as n from match`);
    expect(page.stats.matchesTotal).toBe(total!.n);
    const table = page.charts.find((c) => c.id === 'match-state')!.table;
    expect(table.rows.map((r) => r.cells[1])).toEqual(
      MATCH_STATES.map((st) => String(page.stats.matchesByState[st])),
    );
  });

  it('sums signed contract value by signing date and registered value by registration date, per quarter', async () => {
    const { start_date, end_date } = await bounds(period.from, period.to);
    const signed = await rows<{ q: string; n: number; wan: number }>(sql`
      select to_char(contract_signed_on, 'YYYY"Q"Q') as q, count(*)::int as n, sum(contract_amount_wan) as wan
        from match where contract_signed_on >= ${start_date} and contract_signed_on < ${end_date} group by 1`);
    const registered = await rows<{ q: string; n: number; wan: number }>(sql`
      select to_char(registered_on, 'YYYY"Q"Q') as q, count(*)::int as n, sum(certified_amount_wan) as wan
        from match where registered_on >= ${start_date} and registered_on < ${end_date} group by 1`);
    expect(signed.length).toBeGreaterThan(0);
    expect(registered.length).toBeGreaterThan(0);
    for (const q of page.stats.perQuarter) {
      const sg = signed.find((r) => r.q === q.key);
      const rg = registered.find((r) => r.q === q.key);
      expect([q.signedCount, q.signedWan], q.key).toEqual([sg?.n ?? 0, Number(sg?.wan ?? 0)]);
      expect([q.registeredCount, q.registeredWan], q.key).toEqual([rg?.n ?? 0, Number(rg?.wan ?? 0)]);
    }
    // Every quarter with a contract is on the page.
    for (const r of [...signed, ...registered])
      expect(page.stats.perQuarter.map((q) => q.key)).toContain(r.q);
    const table = page.charts.find((c) => c.id === 'contract-quarter')!.table;
    expect(table.rows.map((r) => r.cells.slice(1))).toEqual(
      page.stats.perQuarter.map((q) => [
        String(q.signedCount),
        formatAmount(q.signedWan),
        String(q.registeredCount),
        formatAmount(q.registeredWan),
      ]),
    );
  });

  it('counts published editions per year (Beijing time) as SQL does', async () => {
    const years = await rows<{ year: number; n: number }>(sql`
      select to_char(published_at at time zone 'Asia/Shanghai', 'YYYY')::int as year, count(*)::int as n
        from edition where status = 'published' group by 1 order by 1`);
    expect(page.stats.editionsPerYear).toEqual(years.map((r) => ({ year: r.year, count: r.n })));
    expect(years.reduce((n, r) => n + r.n, 0)).toBe(2);
  });

  it('takes a preset quarter, and shows the default period with field messages for a bad query', async () => {
    const quarter = presetQuarters(NOW)[1]!;
    const q = await statisticsLoader(args(`/statistics?quarter=${quarter.key}`));
    expect(q.period).toMatchObject({ from: quarter.first, to: quarter.last, quarter: quarter.key });
    expect(q.stats.newPerMonth.map((m) => m.month)).toHaveLength(3);
    const bad = await statisticsLoader(args('/statistics?from=2026-13&to=x'));
    expect(bad.form.invalid).toBe(true);
    expect(bad.form.errors).toMatchObject({ from: [s.errors.month], to: [s.errors.month] });
    expect(bad.period).toMatchObject(period);
  });
});

describe('the bureau dashboard (/bureau/dashboard)', () => {
  it('is for bureau staff only', async () => {
    await expect(dashboardLoader(args('/bureau/dashboard'))).rejects.toMatchObject({ status: 302 });
    await expect(dashboardLoader(args('/bureau/dashboard', memberCookie))).rejects.toMatchObject({
      status: 403,
    });
  });

  for (const which of ['default', 'quarter'] as const) {
    describe(which === 'default' ? 'for the last 12 months' : 'for a preset quarter', () => {
      let page: Awaited<ReturnType<typeof dashboardLoader>>;
      let b: Awaited<ReturnType<typeof bounds>>;

      beforeAll(async () => {
        const months =
          which === 'default'
            ? await defaultMonths()
            : { from: presetQuarters(NOW)[0]!.first, to: presetQuarters(NOW)[0]!.last };
        const query = which === 'default' ? '' : `?quarter=${presetQuarters(NOW)[0]!.key}`;
        page = await dashboardLoader(args(`/bureau/dashboard${query}`, adminCookie));
        expect(page.period).toMatchObject(months);
        b = await bounds(months.from, months.to);
      });

      it('shows the funnel counted as SQL counts it, with the rates between stages', async () => {
        const [f] = await rows<Record<string, number>>(sql`
          select
            (select count(*)::int from (select l.id, min(e.created_at) as first_at from listing l
                                          join listing_event e on e.listing_id = l.id and e.type = 'published'
                                         group by l.id) x
              where first_at >= ${b.start} and first_at < ${b.end}) as published,
            (select count(*)::int from interest where created_at >= ${b.start} and created_at < ${b.end}) as interests,
            (select count(*)::int from match
              where need_accepted_at is not null and offer_accepted_at is not null
                and greatest(need_accepted_at, offer_accepted_at) >= ${b.start}
                and greatest(need_accepted_at, offer_accepted_at) < ${b.end}) as accepted,
            (select count(*)::int from match
              where contract_signed_on >= ${b.start_date} and contract_signed_on < ${b.end_date}) as contracts,
            (select count(*)::int from match
              where registered_on >= ${b.start_date} and registered_on < ${b.end_date}) as registered`);
        expect(Object.fromEntries(page.funnel.map((r) => [r.stage, r.count]))).toEqual(f);
        for (let i = 1; i < page.funnel.length; i++) {
          const prev = page.funnel[i - 1]!.count;
          expect(page.funnel[i]!.fromPrevious).toBe(prev === 0 ? null : page.funnel[i]!.count / prev);
        }
        expect(page.funnelChart.svg).toMatch(/^<svg /);
        expect(page.funnelChart.table.rows.map((r) => r.cells.slice(1))).toEqual(
          page.funnel.map((r) => [String(r.count), formatRate(r.fromPrevious), formatRate(r.fromFirst)]),
        );
      });

      it('shows the median response time to interests answered in the period, as SQL computes it', async () => {
        const [r] = await rows<{ answered: number; on_time: number; median: number | null }>(sql`
          select count(*)::int as answered,
                 count(*) filter (where responded_at <= respond_by)::int as on_time,
                 percentile_cont(0.5) within group (order by extract(epoch from responded_at - created_at) / 3600)
                   as median
            from interest
           where status in ('accepted', 'declined') and responded_at >= ${b.start} and responded_at < ${b.end}`);
        expect(page.responses.answered).toBe(r!.answered);
        expect(page.responses.onTime).toBe(r!.on_time);
        if (r!.median === null) expect(page.responses.medianHours).toBeNull();
        else expect(page.responses.medianHours).toBeCloseTo(Number(r!.median), 6);
        if (which === 'default') expect(r!.answered).toBeGreaterThan(0);
      });

      it('lists the overdue interests and the matches without progress for 14 days, as SQL finds them', async () => {
        const overdue = await rows<{ id: number }>(sql`
          select id from interest where status = 'pending' and respond_by < ${NOW} order by respond_by, id`);
        expect(page.overdueInterests.total).toBe(overdue.length);
        expect(page.overdueInterests.rows.map((x) => x.id)).toEqual(overdue.slice(0, 50).map((x) => x.id));
        const stale = await rows<{ id: number }>(sql`
          select m.id from match m
           where m.state not in ('closed', 'declined', 'withdrawn')
             and coalesce((select max(e.created_at) from match_event e where e.match_id = m.id), m.updated_at)
                 <= ${NOW}::timestamptz - interval '14 days'`);
        expect(stale.length).toBeGreaterThan(0);
        expect(page.staleMatches.total).toBe(stale.length);
        expect(page.staleMatches.rows.map((x) => x.id).sort((a, c) => a - c)).toEqual(
          stale.map((x) => x.id).sort((a, c) => a - c),
        );
      });

      it('lists the stale listings (expiring within 14 days or not updated for 90) as SQL finds them', async () => {
        const stale = await rows<{ id: number; expiring: boolean; idle: boolean }>(sql`
          select id,
                 expires_at <= ${NOW}::timestamptz + interval '14 days' as expiring,
                 updated_at <= ${NOW}::timestamptz - interval '90 days' as idle
            from listing
           where status = 'published' and expires_at > ${NOW}
             and (expires_at <= ${NOW}::timestamptz + interval '14 days'
                  or updated_at <= ${NOW}::timestamptz - interval '90 days')
           order by expires_at, id`);
        expect(page.staleListings.total).toBe(stale.length);
        expect(page.staleListings.rows.map((x) => [x.id, x.expiring, x.notUpdated])).toEqual(
          stale.slice(0, 50).map((x) => [x.id, x.expiring, x.idle]),
        );
      });

      it("computes every manager's league row from the workflow log as SQL does, and the agencies from them", async () => {
        const managers = await rows<{ id: number; agency_id: number }>(sql`
          select r.user_id as id, p.agency_id from platform_role r join manager_profile p on p.user_id = r.user_id
           where r.role = 'manager' order by r.user_id`);
        expect(page.league.managers).toHaveLength(managers.length);
        for (const { id } of managers) {
          const [x] = await rows<{
            matches: number;
            contracts: number;
            registered: number;
            enterprises: number;
            minutes: number;
          }>(sql`
            with mine as (select * from match where manager_user_id = ${id} or proposed_by = ${id}),
                 active as (select * from mine m where exists (
                   select 1 from match_event e where e.match_id = m.id
                      and e.created_at >= ${b.start} and e.created_at < ${b.end}))
            select
              (select count(*)::int from active) as matches,
              (select count(*)::int from mine
                where contract_signed_on >= ${b.start_date} and contract_signed_on < ${b.end_date}) as contracts,
              (select coalesce(sum(certified_amount_wan), 0) from mine
                where registered_on >= ${b.start_date} and registered_on < ${b.end_date}) as registered,
              (select count(distinct o.id)::int from active a
                 join organisation o on o.id in (a.need_org_id, a.offer_org_id) and o.type = 'enterprise') as enterprises,
              (select coalesce(sum(minutes), 0)::int from match_activity
                where user_id = ${id} and occurred_on >= ${b.start_date} and occurred_on < ${b.end_date}) as minutes`);
          const [resp] = await rows<{ n: number; median: number | null }>(sql`
            with mine as (select * from match where manager_user_id = ${id} or proposed_by = ${id}),
                 starts as (
                   select m.id,
                          case when m.proposed_by = ${id}
                               then (select min(e.created_at) from match_event e
                                      where e.match_id = m.id and e.type = 'proposed')
                               else (select max(e.created_at) from match_event e
                                      where e.match_id = m.id and e.type in ('manager_took', 'manager_assigned'))
                          end as start_at
                     from mine m),
                 samples as (
                   select extract(epoch from least(
                            (select min(e.created_at) from match_event e
                              where e.match_id = s.id and e.actor_user_id = ${id} and e.created_at > s.start_at),
                            (select min(a.created_at) from match_activity a
                              where a.match_id = s.id and a.user_id = ${id} and a.created_at > s.start_at)
                          ) - s.start_at) / 3600 as hours
                     from starts s
                    where s.start_at >= ${b.start} and s.start_at < ${b.end})
            select count(hours)::int as n,
                   percentile_cont(0.5) within group (order by hours) filter (where hours is not null) as median
              from samples`);
          const row = page.league.managers.find((m) => m.userId === id)!;
          expect(
            {
              matches: row.matches,
              contracts: row.contracts,
              registered: row.registeredWan,
              enterprises: row.enterprises,
              minutes: row.minutes,
            },
            `manager ${id}`,
          ).toEqual({ ...x!, registered: Number(x!.registered) });
          expect(row.responses, `manager ${id}`).toBe(resp!.n);
          if (resp!.median === null) expect(row.medianResponseHours).toBeNull();
          else expect(row.medianResponseHours, `manager ${id}`).toBeCloseTo(Number(resp!.median), 6);
          if (which === 'default') expect(row.matches, `manager ${id}`).toBeGreaterThan(0);
        }
        // Sorted by registered amount, then contracts.
        const order = page.league.managers.map((m) => [m.registeredWan, m.contracts]);
        for (let i = 1; i < order.length; i++) {
          const [a, c] = order[i - 1]!;
          const [a2, c2] = order[i]!;
          expect(a! > a2! || (a === a2 && c! >= c2!)).toBe(true);
        }
        // Each demo agency has one manager: its row repeats that manager's figures.
        for (const { id, agency_id } of managers) {
          const m = page.league.managers.find((x) => x.userId === id)!;
          const a = page.league.agencies.find((x) => x.id === agency_id)!;
          expect(a.managerCount).toBe(1);
          for (const key of [
            'matches',
            'contracts',
            'registeredWan',
            'enterprises',
            'responses',
            'minutes',
          ] as const)
            expect(a[key], `${a.name} ${key}`).toBe(m[key]);
          expect(a.medianResponseHours).toBe(m.medianResponseHours);
        }
        const [agencies] = await rows<{ n: number }>(
          sql`select count(*)::int as n from organisation where type = 'agency'`,
        );
        expect(page.league.agencies).toHaveLength(agencies!.n);
      });
    });
  }
});

describe('the evaluation export (/bureau/dashboard/evaluation.xlsx)', () => {
  it('is for bureau staff only, and refuses a bad period with a Chinese message', async () => {
    await expect(xlsxLoader(args('/bureau/dashboard/evaluation.xlsx'))).rejects.toMatchObject({
      status: 302,
    });
    await expect(xlsxLoader(args('/bureau/dashboard/evaluation.xlsx', memberCookie))).rejects.toMatchObject({
      status: 403,
    });
    const bad = await xlsxLoader(
      args('/bureau/dashboard/evaluation.xlsx?from=2026-06&to=2026-01', adminCookie),
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe(s.errors.badPeriod);
  });

  it('holds the league tables of the period and a sheet that explains them', async () => {
    const { from, to } = await defaultMonths();
    const response = await xlsxLoader(
      args(`/bureau/dashboard/evaluation.xlsx?from=${from}&to=${to}`, adminCookie),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers.get('Content-Disposition')).toContain(`helin-evaluation-${from}-${to}.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['技术经理人', '服务机构', '说明']);

    const page = await dashboardLoader(args(`/bureau/dashboard?from=${from}&to=${to}`, adminCookie));
    const managers = workbook.getWorksheet('技术经理人')!;
    const l = s.dashboard.league;
    expect(managers.getRow(1).values).toEqual([
      undefined,
      l.rank,
      l.name,
      l.grade,
      l.agency,
      l.matches,
      l.contracts,
      l.registered,
      l.enterprises,
      l.response,
      l.responses,
      l.minutes,
    ]);
    expect(managers.rowCount).toBe(page.league.managers.length + 1);
    page.league.managers.forEach((m, i) => {
      const row = managers.getRow(i + 2);
      expect(row.getCell(1).value).toBe(i + 1);
      expect(row.getCell(2).value).toBe(m.name);
      expect(row.getCell(4).value).toBe(m.agencyName);
      expect([5, 6, 7, 8, 10, 11].map((c) => row.getCell(c).value)).toEqual([
        m.matches,
        m.contracts,
        m.registeredWan,
        m.enterprises,
        m.responses,
        m.minutes,
      ]);
      const median = row.getCell(9).value;
      expect(median === null ? s.none : formatHours(Number(median))).toBe(formatHours(m.medianResponseHours));
    });
    // manager1's registered amount, straight from SQL.
    const [m1] = await rows<{ wan: number }>(sql`
      select coalesce(sum(m.certified_amount_wan), 0) as wan from match m
        join app_user u on u.id = m.manager_user_id or u.id = m.proposed_by
       where u.email = 'manager1@helin-demo.cn'
         and m.registered_on >= ${`${from}-01`}::date
         and m.registered_on < (${`${to}-01`}::date + interval '1 month')`);
    const row1 = managers
      .getRows(2, page.league.managers.length)!
      .find((r) => r.getCell(2).value === '张志强')!;
    expect(row1.getCell(7).value).toBe(Number(m1!.wan));

    const agencies = workbook.getWorksheet('服务机构')!;
    expect(agencies.rowCount).toBe(page.league.agencies.length + 1);
    expect(agencies.getRow(2).getCell(2).value).toBe(page.league.agencies[0]!.name);

    const notes = workbook.getWorksheet('说明')!;
    const text = notes.getSheetValues().flat().filter(Boolean).join('\n');
    expect(text).toContain(page.period.label);
    expect(text).toContain('北京时间');
    for (const [term] of s.definitions) expect(text).toContain(term);
  });
});
