import { describe, expect, it } from 'vitest';
import {
  defaultTitle,
  type EditionEntryView,
  editionMetaSchema,
  editionStats,
  groupEntries,
  liveStateOf,
  neighbourFor,
  nextNumber,
  parseScheduleTime,
  sectionOf,
  yearInChina,
} from '../../app/features/editions/rules.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import type { SearchDocument } from '../../search/engine.ts';

const e = zhCN.editions.errors;

function entry(
  id: number,
  kind: SearchDocument['kind'],
  chainAction: EditionEntryView['chainAction'],
  fieldName: string | null,
  position = id,
): EditionEntryView {
  return {
    id,
    listingId: 100 + id,
    section: sectionOf(kind),
    chainAction,
    fieldName,
    position,
    note: '',
    liveState: 'live',
    doc: { id: 100 + id, kind, title: `条目${id}` } as SearchDocument,
  };
}

describe('numbering and titles', () => {
  it('counts numbers per year and titles the edition', () => {
    expect(nextNumber([])).toBe(1);
    expect(nextNumber([1, 3, 2])).toBe(4);
    expect(defaultTitle(2026, 4)).toBe('2026年第4期场景供需清单');
  });
  it('takes the year in Beijing time', () => {
    expect(yearInChina(new Date('2026-12-31T16:30:00Z'))).toBe(2027);
    expect(yearInChina(new Date('2026-12-31T15:30:00Z'))).toBe(2026);
  });
});

describe('sections and grouping', () => {
  it('puts demands and scenarios in 需求清单, achievements in 供给清单', () => {
    expect(sectionOf('demand')).toBe('demand');
    expect(sectionOf('scenario')).toBe('demand');
    expect(sectionOf('achievement')).toBe('supply');
  });

  it('groups section → chain (强链, 建链, 布链) → field in order of position, keeping empty sections', () => {
    const groups = groupEntries([
      entry(1, 'demand', 'build', '新能源', 3),
      entry(2, 'demand', 'strengthen', '乳业', 2),
      entry(3, 'scenario', 'strengthen', '乳业', 1),
      entry(4, 'demand', 'strengthen', null, 4),
    ]);
    expect(groups.map((g) => [g.section, g.count])).toEqual([
      ['demand', 4],
      ['supply', 0],
    ]);
    const demand = groups[0]!;
    expect(demand.chains.map((c) => c.chainAction)).toEqual(['strengthen', 'build']);
    expect(demand.chains[0]!.fields.map((f) => [f.fieldName, f.entries.map((x) => x.id)])).toEqual([
      ['乳业', [3, 2]],
      [zhCN.editions.uncategorised, [4]],
    ]);
  });

  it('counts entries by section, kind, chain and field', () => {
    const stats = editionStats([
      entry(1, 'demand', 'strengthen', '乳业'),
      entry(2, 'achievement', 'strengthen', '乳业'),
      entry(3, 'scenario', 'layout', '低空经济'),
    ]);
    expect(stats).toEqual({
      total: 3,
      bySection: { demand: 2, supply: 1 },
      byKind: { demand: 1, achievement: 1, scenario: 1 },
      byChain: { strengthen: 2, build: 0, layout: 1 },
      byField: [
        { fieldName: '乳业', count: 2 },
        { fieldName: '低空经济', count: 1 },
      ],
    });
  });

  it('swaps an entry with its neighbour in the same section, and not past the edge', () => {
    const list = [
      { id: 1, section: 'demand' as const, position: 1 },
      { id: 2, section: 'supply' as const, position: 1 },
      { id: 3, section: 'demand' as const, position: 2 },
    ];
    expect(neighbourFor(list, 3, 'up')).toEqual({ a: { id: 3, position: 1 }, b: { id: 1, position: 2 } });
    expect(neighbourFor(list, 1, 'up')).toBeNull();
    expect(neighbourFor(list, 3, 'down')).toBeNull();
    expect(neighbourFor(list, 2, 'down')).toBeNull();
    expect(neighbourFor(list, 9, 'down')).toBeNull();
  });

  it('names what became of a listing since publication', () => {
    expect(liveStateOf({ status: 'published', live: true })).toBe('live');
    expect(liveStateOf({ status: 'withdrawn', live: false })).toBe('withdrawn');
    expect(liveStateOf({ status: 'expired', live: false })).toBe('expired');
    expect(liveStateOf({ status: 'published', live: false })).toBe('expired');
    expect(liveStateOf({ status: 'submitted', live: false })).toBe('hidden');
    expect(liveStateOf(undefined)).toBe('hidden');
  });
});

describe('forms', () => {
  const valid = { title: '2026年第4期场景供需清单', year: '2026', number: '4' };
  it('accepts the details and refuses bad ones field by field, in Chinese', () => {
    expect(editionMetaSchema.safeParse(valid).success).toBe(true);
    const bad = editionMetaSchema.safeParse({
      title: ' ',
      year: '1999',
      number: '0',
      period_start: '2026-13-01',
      introduction: 'x'.repeat(2001),
    });
    expect(bad.success).toBe(false);
    const byField = Object.fromEntries(bad.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(byField).toEqual({
      title: e.titleRequired,
      year: e.yearRange,
      number: e.numberRange,
      period_start: e.dateFormat,
      introduction: e.introductionTooLong,
    });
  });
  it('refuses a period that ends before it starts', () => {
    const r = editionMetaSchema.safeParse({ ...valid, period_start: '2026-12-01', period_end: '2026-11-01' });
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['period_end', e.periodOrder],
    ]);
  });
  it('reads a scheduled time as Beijing time and refuses the past', () => {
    const now = new Date('2026-11-26T00:00:00Z');
    expect(parseScheduleTime('2026-11-26T09:00', now)).toEqual({
      ok: true,
      at: new Date('2026-11-26T01:00:00Z'),
    });
    expect(parseScheduleTime('2026-11-26 07:59', now)).toEqual({ ok: false, error: e.scheduleInPast });
    expect(parseScheduleTime('明天上午', now)).toEqual({ ok: false, error: e.scheduleFormat });
    expect(parseScheduleTime(undefined, now)).toEqual({ ok: false, error: e.scheduleFormat });
  });
});
