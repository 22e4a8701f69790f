import { describe, expect, it } from 'vitest';
import { completeness } from '../../app/features/listings/completeness.ts';
import { parseListingForm } from '../../app/features/listings/form.ts';
import {
  changedReviewedFields,
  type ListingAction,
  nextStatus,
  ownerActions,
  statusAfterEdit,
} from '../../app/features/listings/lifecycle.ts';
import { LISTING_STATUSES } from '../../db/schema.ts';

describe('life cycle state machine', () => {
  const allowed: [string, ListingAction, string][] = [
    ['draft', 'submit', 'submitted'],
    ['draft', 'withdraw', 'withdrawn'],
    ['submitted', 'approve', 'published'],
    ['submitted', 'reject', 'rejected'],
    ['submitted', 'withdraw', 'withdrawn'],
    ['rejected', 'submit', 'submitted'],
    ['rejected', 'withdraw', 'withdrawn'],
    ['published', 'renew', 'published'],
    ['published', 'withdraw', 'withdrawn'],
    ['published', 'expire', 'expired'],
    ['expired', 'renew', 'published'],
    ['expired', 'withdraw', 'withdrawn'],
    ['withdrawn', 'submit', 'submitted'],
  ];
  it.each(allowed)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from as never, action)).toBe(to);
  });

  it('refuses every other transition', () => {
    const actions: ListingAction[] = ['submit', 'approve', 'reject', 'renew', 'withdraw', 'expire'];
    let refused = 0;
    for (const from of LISTING_STATUSES) {
      for (const action of actions) {
        if (allowed.some(([f, a]) => f === from && a === action)) continue;
        expect(nextStatus(from, action), `${from} ${action}`).toBeNull();
        refused++;
      }
    }
    expect(refused).toBe(LISTING_STATUSES.length * actions.length - allowed.length);
  });

  it('offers owners only their own actions', () => {
    expect(ownerActions('submitted')).toEqual(['withdraw']);
    expect(ownerActions('published')).toEqual(['renew', 'withdraw']);
    expect(ownerActions('rejected')).toEqual(['submit', 'withdraw']);
  });
});

describe('edits of a published listing', () => {
  const approved = {
    title: 'A',
    fieldCodes: ['dairy'],
    indicators: '≥20%',
    price_wan: 50,
    confidentiality: 'public',
  };
  it('a wording fix (no reviewed field changed) stays published', () => {
    const changed = changedReviewedFields(approved, { ...approved });
    expect(changed).toEqual([]);
    expect(statusAfterEdit('published', changed)).toBe('published');
  });

  it('a changed title, field, target, price or confidentiality goes back to review', () => {
    for (const change of [
      { title: 'B' },
      { fieldCodes: ['dairy', 'ai'] },
      { indicators: '≥30%' },
      { price_wan: 60 },
      { confidentiality: 'members' },
    ]) {
      const changed = changedReviewedFields(approved, { ...approved, ...change });
      expect(changed).toEqual(Object.keys(change));
      expect(statusAfterEdit('published', changed)).toBe('submitted');
    }
    expect(statusAfterEdit('draft', ['title'])).toBe('draft');
  });
});

describe('completeness', () => {
  it('scores a bare demand low with concrete hints, a full one at 100', () => {
    const bare = completeness({ kind: 'demand', summary: '短摘要，需要一种技术。' });
    expect(bare.score).toBeLessThan(20);
    expect(bare.hints).toContain('在指标中写明可量化的数字（如 ≥23%、7天→21天）');
    expect(bare.hints).toContain('填写预算范围');
    const full = completeness({
      kind: 'demand',
      summary: '摘'.repeat(80),
      detail: '详'.repeat(200),
      keywords: ['乳清', '发酵', '益生菌'],
      indicators: '货架期由7天延长至21天',
      budget_max_wan: 100,
      deadline: '2027-06-30',
      cooperation_modes: ['joint_development'],
      ip_expectation: '双方共有',
      contact_name: '张三',
      contact_phone: '13800000000',
    });
    expect(full).toEqual({ score: 100, hints: [] });
  });

  it('asks an achievement for TRL and patents only when the type is a registered right', () => {
    const know = completeness({ kind: 'achievement', achievement_type: 'know_how' });
    const patent = completeness({ kind: 'achievement', achievement_type: 'invention_patent' });
    expect(know.hints).not.toContain('填写专利号或登记号');
    expect(patent.hints).toContain('填写专利号或登记号');
    expect(patent.hints).toContain('选择技术就绪度');
  });
});

describe('listing forms', () => {
  const demand = {
    title: '低乳糖巴氏杀菌乳货架期延长',
    summary: '需要将巴氏杀菌乳货架期延长至21天。',
    fieldCodes: ['dairy'],
    region: '和林格尔县',
    confidentiality: 'public',
    indicators: '货架期由7天延长至21天，菌落总数≤10⁴ CFU/mL',
    demand_type: 'process',
    cooperation_modes: ['joint_development'],
    budget_min_wan: '50',
    budget_max_wan: '120',
    deadline: '2027-06-30',
  };

  it('parses a valid demand into columns', () => {
    const r = parseListingForm('demand', demand, '2026-11-26');
    expect(r.ok).toBe(true);
    if (r.ok && r.data.kind === 'demand') {
      expect(r.data.budget_min_wan).toBe(50);
      expect(r.data.deadline).toBe('2027-06-30');
    }
  });

  it('gives field-level Chinese messages for every kind of bad input', () => {
    const r = parseListingForm(
      'demand',
      {
        ...demand,
        title: '',
        budget_min_wan: '一百',
        budget_max_wan: '10',
        deadline: '2020-01-01',
        fieldCodes: [],
        region: '火星',
      },
      '2026-11-26',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.fieldErrors.title).toEqual(['请填写标题（至少4个字）']);
      expect(r.fieldErrors.budget_min_wan).toEqual(['请填写数字（单位：万元）']);
      expect(r.fieldErrors.deadline).toEqual(['期望完成时间不能早于今天']);
      expect(r.fieldErrors.fieldCodes).toEqual(['请至少选择一个产业领域']);
      expect(r.fieldErrors.region).toEqual(['请选择所在地区']);
    }
    const order = parseListingForm(
      'demand',
      { ...demand, budget_min_wan: '200', budget_max_wan: '100' },
      '2026-11-26',
    );
    expect(!order.ok && order.fieldErrors.budget_max_wan).toEqual(['预算上限不能小于下限']);
  });

  it('refuses a TRL outside 1–9 and an achievement without a price or 面议', () => {
    const base = {
      ...demand,
      achievement_type: 'invention_patent',
      transfer_modes: ['license'],
      trl: '10',
    };
    const r = parseListingForm('achievement', base, '2026-11-26');
    expect(!r.ok && r.fieldErrors.trl).toEqual(['技术就绪度须为1到9级']);
    expect(!r.ok && r.fieldErrors.price_wan).toEqual(['请填写参考价格，或勾选“面议”']);
    const ok = parseListingForm('achievement', { ...base, trl: '6', price_negotiable: 'on' }, '2026-11-26');
    expect(ok.ok).toBe(true);
  });

  it('keeps HTML as text (React escapes it when shown)', () => {
    const r = parseListingForm('demand', { ...demand, title: '<script>alert(1)</script>乳品' }, '2026-11-26');
    expect(r.ok && r.data.title).toBe('<script>alert(1)</script>乳品');
  });
});
