import { describe, expect, it } from 'vitest';
import { barChart, cleanSvg } from '../../app/features/statistics/charts.server.ts';
import {
  addMonths,
  beijingDate,
  beijingMonth,
  buildLeague,
  defaultPeriod,
  fill,
  formatAmount,
  formatHours,
  formatRate,
  funnel,
  type LeagueInput,
  MAX_PERIOD_MONTHS,
  makePeriod,
  median,
  monthLabel,
  monthsOf,
  parsePeriod,
  parseQuarter,
  periodQuery,
  periodQuerySchema,
  periodRange,
  presetQuarters,
  quarterLabel,
  quarterOf,
  quartersOf,
  rate,
  responseSamples,
} from '../../app/features/statistics/rules.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';

const s = zhCN.statistics;
/** 16:30 Beijing time on 26 November 2026. */
const NOW = new Date('2026-11-26T08:30:00Z');

const query = (q: Record<string, string>) => new URLSearchParams(q);

describe('months and quarters in Beijing time', () => {
  it('takes the month and the date in Asia/Shanghai, not UTC', () => {
    // 30 November 2026, 16:30 UTC = 1 December 2026, 00:30 in Beijing.
    expect(beijingMonth(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12');
    expect(beijingDate(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12-01');
    expect(beijingMonth(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11');
  });

  it('adds months across years', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-03', -14)).toBe('2025-01');
    expect(monthLabel('2026-03')).toBe('2026年3月');
  });

  it('labels quarters as 2026年第3季度 and parses the preset values', () => {
    expect(quarterLabel(2026, 3)).toBe('2026年第3季度');
    expect(quarterOf('2026-08')).toMatchObject({
      key: '2026Q3',
      first: '2026-07',
      last: '2026-09',
      label: '2026年第3季度',
    });
    expect(quarterOf('2026-12')).toMatchObject({ key: '2026Q4', first: '2026-10', last: '2026-12' });
    for (const v of ['2026Q3', '2026-Q3', '2026q3', ' 2026Q3 '])
      expect(parseQuarter(v)?.key, v).toBe('2026Q3');
    for (const v of ['2026Q5', '2026Q0', '26Q3', '2026-3', '']) expect(parseQuarter(v), v).toBeNull();
  });

  it('offers the current quarter and the seven before it, newest first', () => {
    const presets = presetQuarters(NOW);
    expect(presets.map((q) => q.key)).toEqual([
      '2026Q4',
      '2026Q3',
      '2026Q2',
      '2026Q1',
      '2025Q4',
      '2025Q3',
      '2025Q2',
      '2025Q1',
    ]);
  });
});

describe('the period', () => {
  it('defaults to the last 12 months, this month included', () => {
    expect(defaultPeriod(NOW)).toEqual({
      from: '2025-12',
      to: '2026-11',
      quarter: null,
      label: '2025年12月至2026年11月',
    });
    // Just after midnight on New Year's Day in Beijing (still 31 December in UTC).
    expect(defaultPeriod(new Date('2026-12-31T16:30:00Z'))).toMatchObject({ from: '2026-02', to: '2027-01' });
  });

  it('runs from 00:00 Beijing time on the first day to 00:00 after the last month', () => {
    const range = periodRange(makePeriod('2025-12', '2026-11'));
    expect(range.start.toISOString()).toBe('2025-11-30T16:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(range).toMatchObject({ startDate: '2025-12-01', endDate: '2026-12-01', lastDate: '2026-11-30' });
    expect(periodRange(makePeriod('2028-02', '2028-02')).lastDate).toBe('2028-02-29');
  });

  it('lists its months and the quarters it touches, marking the partial ones', () => {
    const period = makePeriod('2025-12', '2026-11');
    expect(monthsOf(period)).toHaveLength(12);
    expect(monthsOf(period)[0]).toBe('2025-12');
    expect(quartersOf(period).map((q) => [q.key, q.partial])).toEqual([
      ['2025Q4', true],
      ['2026Q1', false],
      ['2026Q2', false],
      ['2026Q3', false],
      ['2026Q4', true],
    ]);
    expect(quartersOf(makePeriod('2026-07', '2026-09')).map((q) => [q.key, q.partial])).toEqual([
      ['2026Q3', false],
    ]);
  });

  it('accepts from and to, from alone, to alone, or nothing', () => {
    const schema = periodQuerySchema(NOW);
    expect(schema.parse({ from: '2026-01', to: '2026-06' })).toEqual({
      from: '2026-01',
      to: '2026-06',
      quarter: null,
      label: '2026年1月至2026年6月',
    });
    expect(schema.parse({ from: '2026-03' })).toMatchObject({ from: '2026-03', to: '2026-11' });
    expect(schema.parse({ to: '2026-06' })).toMatchObject({ from: '2025-07', to: '2026-06' });
    expect(schema.parse({ from: '', to: '', quarter: '' })).toEqual(defaultPeriod(NOW));
    expect(schema.parse({ from: '2026-05', to: '2026-05' }).label).toBe('2026年5月');
  });

  it('lets a preset quarter win over the months the form also sends', () => {
    const period = periodQuerySchema(NOW).parse({ from: '2025-01', to: '2025-03', quarter: '2026Q3' });
    expect(period).toEqual({ from: '2026-07', to: '2026-09', quarter: '2026Q3', label: '2026年第3季度' });
    expect(periodQuery(period)).toBe('quarter=2026Q3');
    expect(periodQuery(makePeriod('2026-01', '2026-06'))).toBe('from=2026-01&to=2026-06');
  });

  it('refuses bad values with a Chinese message on the field', () => {
    const errors = (q: Record<string, string>) => {
      const r = parsePeriod(query(q), NOW);
      return r.ok ? null : r.fieldErrors;
    };
    expect(errors({ from: '2026/01' })).toEqual({ from: [s.errors.month] });
    expect(errors({ from: '2026-13' })).toEqual({ from: [s.errors.month] });
    expect(errors({ from: '1999-12' })).toEqual({ from: [s.errors.range] });
    expect(errors({ from: '2026-06', to: '2026-01' })).toEqual({ to: [s.errors.order] });
    expect(errors({ to: '2026-12' })).toEqual({ to: [s.errors.future] });
    expect(errors({ quarter: '2027Q1' })).toEqual({ quarter: [s.errors.future] });
    expect(errors({ quarter: '2026Q9' })).toEqual({ quarter: [s.errors.quarter] });
    expect(errors({ from: '2020-01', to: '2026-01' })).toEqual({ to: [s.errors.tooLong(MAX_PERIOD_MONTHS)] });
    expect(s.errors.tooLong(60)).toBe('统计期间最长为60个月');
  });

  it('falls back to the default period, keeping the values typed, when the query is bad', () => {
    const r = parsePeriod(query({ from: 'abc', to: '2026-02' }), NOW);
    expect(r.ok).toBe(false);
    expect(r.period).toEqual(defaultPeriod(NOW));
    if (!r.ok) expect(r.values).toEqual({ from: 'abc', to: '2026-02', quarter: '' });
    expect(parsePeriod(query({}), NOW)).toEqual({ ok: true, period: defaultPeriod(NOW) });
  });
});

describe('numbers', () => {
  it('takes the median of odd and even counts, and none of nothing', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });

  it('gives rates only when the denominator is not zero, formatted as percentages', () => {
    expect(rate(1, 4)).toBe(0.25);
    expect(rate(3, 0)).toBeNull();
    expect(formatRate(0.4567)).toBe('45.7%');
    expect(formatRate(1.5)).toBe('150.0%');
    expect(formatRate(null)).toBe('—');
    expect(formatHours(71.84)).toBe('71.8');
    expect(formatHours(null)).toBe('—');
    expect(formatAmount(1234.5)).toBe('1,234.5');
  });

  it('fills missing keys with zero, in the order of the keys', () => {
    expect(
      fill(['a', 'b', 'c'] as const, [
        { key: 'c', n: 2 },
        { key: 'x', n: 9 },
      ]),
    ).toEqual({ a: 0, b: 0, c: 2 });
  });

  it('computes the funnel stage by stage', () => {
    const rows = funnel({ published: 200, interests: 50, accepted: 20, contracts: 0, registered: 0 });
    expect(rows.map((r) => [r.label, r.count, r.fromPrevious, r.fromFirst])).toEqual([
      ['新发布信息', 200, null, null],
      ['收到对接意向', 50, 0.25, 0.25],
      ['达成对接', 20, 0.4, 0.1],
      ['签订技术合同', 0, 0, 0],
      ['完成合同登记', 0, null, 0],
    ]);
  });
});

describe('league tables from the workflow log', () => {
  const period = makePeriod('2026-07', '2026-09');
  const range = periodRange(period);
  const at = (iso: string) => new Date(iso);
  // Two managers of agency 100, one of agency 200; manager 3 has done nothing.
  const input: LeagueInput = {
    managers: [
      { userId: 1, name: '张志强', grade: 'senior', agencyId: 100 },
      { userId: 2, name: '刘晓燕', grade: 'intermediate', agencyId: 100 },
      { userId: 3, name: '赵宇航', grade: 'junior', agencyId: 200 },
    ],
    agencies: [
      { id: 100, name: '盛乐技术转移中心', rating: 'level1' },
      { id: 200, name: '塞上知识产权', rating: 'level2' },
      { id: 300, name: '空的服务机构', rating: null },
    ],
    matches: [
      // 10: proposed by 1, managed by 1; contract and registration in the period; enterprise on the need side.
      {
        id: 10,
        managerUserId: 1,
        proposedBy: 1,
        needOrgId: 500,
        needOrgType: 'enterprise',
        offerOrgId: 600,
        offerOrgType: 'university',
        contractSignedOn: '2026-08-01',
        registeredOn: '2026-09-30',
        certifiedAmountWan: 100.25,
        activeInPeriod: true,
      },
      // 11: proposed by 1, taken over by 2 (same agency): counted once for the agency.
      {
        id: 11,
        managerUserId: 2,
        proposedBy: 1,
        needOrgId: 501,
        needOrgType: 'enterprise',
        offerOrgId: 502,
        offerOrgType: 'enterprise',
        contractSignedOn: '2026-06-30',
        registeredOn: '2026-07-01',
        certifiedAmountWan: 50,
        activeInPeriod: true,
      },
      // 12: managed by 2, nothing happened in the period; registered after it.
      {
        id: 12,
        managerUserId: 2,
        proposedBy: null,
        needOrgId: 503,
        needOrgType: 'enterprise',
        offerOrgId: 600,
        offerOrgType: 'university',
        contractSignedOn: '2026-09-15',
        registeredOn: '2026-10-01',
        certifiedAmountWan: 999,
        activeInPeriod: false,
      },
    ],
    events: [
      { id: 1, matchId: 10, type: 'proposed', actorUserId: 1, at: at('2026-07-01T02:00:00Z') },
      { id: 2, matchId: 10, type: 'accept', actorUserId: 77, at: at('2026-07-02T02:00:00Z') },
      { id: 3, matchId: 10, type: 'start_negotiation', actorUserId: 1, at: at('2026-07-03T02:00:00Z') },
      { id: 4, matchId: 11, type: 'proposed', actorUserId: 1, at: at('2026-07-10T00:00:00Z') },
      { id: 5, matchId: 11, type: 'manager_assigned', actorUserId: 90, at: at('2026-07-11T00:00:00Z') },
      { id: 6, matchId: 11, type: 'start_negotiation', actorUserId: 2, at: at('2026-07-11T06:00:00Z') },
      { id: 7, matchId: 12, type: 'manager_took', actorUserId: 2, at: at('2026-05-01T00:00:00Z') },
    ],
    activities: [
      // Manager 1 calls on match 10 twelve hours after proposing (earlier than their next event).
      { matchId: 10, userId: 1, minutes: 30, occurredOn: '2026-07-01', at: at('2026-07-01T14:00:00Z') },
      { matchId: 11, userId: 2, minutes: 90, occurredOn: '2026-07-11', at: at('2026-07-11T02:00:00Z') },
      { matchId: 12, userId: 2, minutes: 45, occurredOn: '2026-05-02', at: at('2026-05-02T00:00:00Z') },
    ],
  };
  const league = buildLeague(input, range);

  it('takes response times from the proposal or the latest assignment to the first own event or activity', () => {
    expect(
      responseSamples(1, input.matches, input.events, input.activities).map((x) => [x.matchId, x.hours]),
    ).toEqual([
      [10, 12],
      // Match 11: proposed 07-10 00:00; manager 1's next own step — none (the negotiation is manager 2's).
    ]);
    expect(
      responseSamples(2, input.matches, input.events, input.activities).map((x) => [x.matchId, x.hours]),
    ).toEqual([
      [11, 2],
      [12, 24],
    ]);
  });

  it('counts matches, contracts, registered amounts, enterprises, response times and minutes per manager', () => {
    const byId = new Map(league.managers.map((m) => [m.userId, m]));
    expect(byId.get(1)).toMatchObject({
      matches: 2,
      contracts: 1,
      registeredWan: 150.25,
      enterprises: 3,
      medianResponseHours: 12,
      responses: 1,
      minutes: 30,
      agencyName: '盛乐技术转移中心',
    });
    expect(byId.get(2)).toMatchObject({
      matches: 1,
      contracts: 1,
      registeredWan: 50,
      enterprises: 2,
      medianResponseHours: 2,
      responses: 1,
      minutes: 90,
    });
    expect(byId.get(3)).toMatchObject({
      matches: 0,
      contracts: 0,
      registeredWan: 0,
      enterprises: 0,
      medianResponseHours: null,
      responses: 0,
      minutes: 0,
    });
  });

  it('sorts by registered amount, then contracts', () => {
    expect(league.managers.map((m) => m.userId)).toEqual([1, 2, 3]);
  });

  it('aggregates agencies over their managers, counting a shared match once', () => {
    const [first, second, third] = league.agencies;
    expect(first).toMatchObject({
      id: 100,
      managerCount: 2,
      matches: 2,
      contracts: 2,
      registeredWan: 150.25,
      enterprises: 3,
      medianResponseHours: 7,
      responses: 2,
      minutes: 120,
    });
    // Equal figures: by name in Chinese (pinyin) order, 空 (kōng) before 塞 (sài).
    expect([second?.id, third?.id]).toEqual([300, 200]);
    expect(league.agencies.find((a) => a.id === 300)).toMatchObject({ managerCount: 0, matches: 0 });
  });
});

describe('charts drawn on the server', () => {
  it('gives an SVG without scripts, styles or event handlers, its labels escaped', () => {
    const svg = barChart({
      categories: ['技术需求', '<script>alert(1)</script>', '应用场景 & "引号"'],
      series: [{ name: '数量<b>', values: [3, 5, 1] }],
      valueLabels: true,
      integers: true,
    });
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('应用场景 &amp; &quot;引号&quot;');
    expect(svg).not.toContain('<style');
    expect(svg).not.toContain('style="');
    expect(svg).not.toMatch(/\son[a-z]+=/);
    expect(svg).toContain('aria-hidden="true"');
    expect(svg).toContain('font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC');
    expect(svg).toContain('技术需求');
  });

  it('draws stacked, grouped and horizontal bars with a legend for several series', () => {
    const svg = barChart({
      categories: ['2026年第3季度', '2026年第4季度'],
      series: [
        { name: '合同金额', values: [890.5, 1441.5] },
        { name: '核定技术交易额', values: [663.34, 1187.48] },
      ],
      valueLabels: true,
    });
    expect(svg).toContain('合同金额');
    expect(svg).toContain('核定技术交易额');
    expect(svg).toContain('1441.5');
    const horizontal = barChart({
      categories: ['乳业及营养健康', '新能源'],
      series: [{ name: '数量', values: [45, 35] }],
      horizontal: true,
      stacked: true,
    });
    expect(horizontal).toContain('乳业及营养健康');
  });

  it('refuses SVG that holds anything active', () => {
    expect(() => cleanSvg('<svg width="1"><script>alert(1)</script></svg>')).toThrow();
    expect(() => cleanSvg('<svg width="1"><rect onclick="x()"></rect></svg>')).toThrow();
    expect(() => cleanSvg('<svg width="1"><a href="javascript:x"></a></svg>')).toThrow();
    expect(
      cleanSvg(
        '<svg width="1"><text style="font-size:12px;cursor:pointer;" class="zr0-cls-1">x</text><style>.a{}</style></svg>',
      ),
    ).toBe(
      '<svg aria-hidden="true" focusable="false" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, Source Han Sans SC, system-ui, sans-serif" width="1"><text font-size="12px">x</text></svg>',
    );
  });
});
