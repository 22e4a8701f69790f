import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  type NeedProfile,
  type OfferProfile,
  RECOMMEND_WEIGHTS,
  rankCandidates,
  recommendScore,
  type ScoreInput,
} from '../../app/features/matching/recommend-score.ts';

const NOW = new Date('2026-11-26T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

/** A demand and an achievement that fit on every factor except text (set per test). */
const need: NeedProfile = {
  id: 1,
  kind: 'demand',
  title: '低乳糖巴氏杀菌乳货架期延长',
  keywords: ['巴氏杀菌', '益生菌', '发酵'],
  field_codes: ['dairy'],
  field_names: ['乳业及营养健康'],
  min_trl: 5,
  budget_max_wan: 100,
  modes: ['license', 'joint_development'],
  region: '包头市',
  published_at: daysAgo(200),
};

const offer: OfferProfile = {
  id: 2,
  kind: 'achievement',
  title: '益生菌发酵乳制备工艺',
  keywords: ['益生菌', '发酵'],
  field_codes: ['dairy'],
  field_names: ['乳业及营养健康'],
  trl: 7,
  price_wan: 80,
  price_negotiable: false,
  modes: ['license'],
  region: '和林格尔县',
  published_at: daysAgo(10),
};

function score(
  over: { need?: Partial<NeedProfile>; offer?: Partial<OfferProfile> } & Omit<
    Partial<ScoreInput>,
    'need' | 'offer'
  > = {},
) {
  return recommendScore({
    textScore: 0.6,
    matchedKeywords: ['益生菌', '发酵'],
    now: NOW,
    ...over,
    need: { ...need, ...over.need },
    offer: { ...offer, ...over.offer },
  });
}

/** Only locality and freshness can give a reason here (the other factors are zero or unknown). */
function bare(o: Partial<OfferProfile>) {
  return score({
    textScore: 0,
    need: { min_trl: null, budget_max_wan: null, modes: [] },
    offer: { field_codes: ['ai'], ...o },
  });
}

describe('weights', () => {
  it('sum to 100 in the documented order', () => {
    expect(RECOMMEND_WEIGHTS).toEqual({
      text: 35,
      field: 20,
      trl: 15,
      price: 10,
      mode: 10,
      locality: 5,
      freshness: 5,
    });
    expect(Object.values(RECOMMEND_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('a pair that fits on every factor scores 100 with the five strongest reasons', () => {
    const r = score({ textScore: 1 });
    expect(r.score).toBe(100);
    expect(r.parts).toEqual(RECOMMEND_WEIGHTS);
    expect(r.reasons).toEqual([
      '关键词：益生菌、发酵',
      '同属乳业及营养健康领域',
      '技术就绪度7级满足需求（不低于5级）',
      '报价在预算之内',
      '转化方式匹配：许可',
    ]);
  });

  it('the score is the sum of the parts, within 0..100', () => {
    const r = score();
    expect(r.score).toBeCloseTo(
      Object.values(r.parts).reduce((a, b) => a + b, 0),
      5,
    );
    expect(r.score).toBe(0.6 * 35 + 20 + 15 + 10 + 10 + 5 + 5);
    const worst = score({
      textScore: 0,
      need: { field_codes: ['ai'], budget_max_wan: 10, modes: ['consulting'] },
      offer: { trl: 2, price_wan: 500, modes: ['equity'], region: '北京市', published_at: daysAgo(400) },
    });
    expect(worst).toEqual({
      score: 0,
      reasons: [],
      parts: { text: 0, field: 0, trl: 0, price: 0, mode: 0, locality: 0, freshness: 0 },
    });
  });
});

describe('each factor on its own', () => {
  it('text: higher relevance scores higher; keywords are the reason only when the text counts', () => {
    const scores = [0, 0.3, 0.6, 1].map((t) => score({ textScore: t }).score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(new Set(scores).size).toBe(4);
    expect(score({ textScore: 0 }).reasons.some((r) => r.startsWith('关键词'))).toBe(false);
    expect(score({ textScore: 0.2, matchedKeywords: [] }).reasons).toContain('内容描述相近');
    expect(score({ textScore: 7 }).parts.text).toBe(35);
    expect(score({ textScore: Number.NaN }).parts.text).toBe(0);
    const many = score({ textScore: 1, matchedKeywords: ['a', 'b', 'b', ' ', 'c', 'd', 'e', 'f'] });
    expect(many.reasons[0]).toBe('关键词：a、b、c、d、e');
  });

  it('field: shared fields count against the side with fewer fields', () => {
    expect(score({ offer: { field_codes: ['ai'], field_names: ['人工智能'] } }).parts.field).toBe(0);
    const half = score({
      need: { field_codes: ['dairy', 'probiotic'], field_names: ['乳业及营养健康', '益生菌'] },
      offer: { field_codes: ['probiotic', 'ai', 'food'], field_names: ['益生菌', '人工智能', '未来食品'] },
    });
    expect(half.parts.field).toBe(10);
    expect(half.reasons).toContain('同属益生菌领域');
    const two = score({
      need: { field_codes: ['dairy', 'probiotic'], field_names: ['乳业及营养健康', '益生菌'] },
      offer: {
        field_codes: ['probiotic', 'dairy', 'ai'],
        field_names: ['益生菌', '乳业及营养健康', '人工智能'],
      },
    });
    expect(two.parts.field).toBe(20);
    expect(two.reasons).toContain('同属乳业及营养健康、益生菌领域');
    const none = score({ offer: { field_codes: ['ai'], field_names: ['人工智能'] } });
    expect(none.reasons.some((r) => r.startsWith('同属'))).toBe(false);
  });

  it('trl: meeting the minimum is full, one level short half, more short nothing', () => {
    const byTrl = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((trl) => score({ offer: { trl } }).parts.trl);
    expect(byTrl).toEqual([0, 0, 0, 7.5, 15, 15, 15, 15, 15]);
    expect(score({ offer: { trl: null } }).parts.trl).toBe(0);
    expect(score({ offer: { trl: 4 } }).reasons.some((r) => r.startsWith('技术就绪度'))).toBe(false);
    expect(score({ offer: { trl: 5 } }).reasons).toContain('技术就绪度5级满足需求（不低于5级）');
  });

  it('trl: a scenario needs a pilot-ready TRL (≥ 6); a demand without a minimum gives half, no reason', () => {
    const scenario = { kind: 'scenario' as const, min_trl: null };
    expect(score({ need: scenario, offer: { trl: 7 } }).reasons).toContain('技术就绪度7级满足中试需求');
    expect(score({ need: scenario, offer: { trl: 6 } }).parts.trl).toBe(15);
    expect(score({ need: scenario, offer: { trl: 5 } }).parts.trl).toBe(7.5);
    expect(score({ need: scenario, offer: { trl: 4 } }).parts.trl).toBe(0);
    const open = score({ need: { min_trl: null }, offer: { trl: 3 } });
    expect(open.parts.trl).toBe(7.5);
    expect(open.reasons.some((r) => r.startsWith('技术就绪度'))).toBe(false);
  });

  it('price: within budget is full; over budget falls to 0 at twice the budget; 面议 and unknowns count half', () => {
    const p = (o: Partial<OfferProfile>, n: Partial<NeedProfile> = {}) => score({ offer: o, need: n });
    expect(p({ price_wan: 100 }).parts.price).toBe(10);
    expect(p({ price_wan: 100 }).reasons).toContain('报价在预算之内');
    expect(p({ price_wan: 150 }).parts.price).toBe(5);
    expect(p({ price_wan: 200 }).parts.price).toBe(0);
    expect(p({ price_wan: 150 }).reasons).not.toContain('报价在预算之内');
    const byPrice = [50, 100, 120, 150, 180, 250].map((price_wan) => p({ price_wan }).parts.price);
    expect(byPrice).toEqual([...byPrice].sort((a, b) => b - a));
    const negotiable = p({ price_wan: null, price_negotiable: true });
    expect(negotiable.parts.price).toBe(5);
    expect(negotiable.reasons).toContain('价格可面议');
    expect(p({ price_wan: 400, price_negotiable: true }).parts.price).toBe(5);
    expect(p({ price_wan: 110, price_negotiable: true }).parts.price).toBe(9);
    const noBudget = p({ price_wan: 80 }, { budget_max_wan: null });
    expect(noBudget.parts.price).toBe(5);
    expect(noBudget.reasons.some((r) => r.includes('预算') || r.includes('面议'))).toBe(false);
  });

  it('mode: a shared mode is full, related modes half, none zero, a side without modes half', () => {
    const shared = score({
      need: { modes: ['transfer', 'license'] },
      offer: { modes: ['license', 'transfer'] },
    });
    expect(shared.parts.mode).toBe(10);
    expect(shared.reasons).toContain('转化方式匹配：转让、许可');
    const related = score({ need: { modes: ['commissioned'] }, offer: { modes: ['joint_development'] } });
    expect(related.parts.mode).toBe(5);
    expect(related.reasons).toContain('转化方式相近：委托开发/合作开发');
    const none = score({ need: { modes: ['transfer'] }, offer: { modes: ['equity'] } });
    expect(none.parts.mode).toBe(0);
    expect(none.reasons.some((r) => r.startsWith('转化方式'))).toBe(false);
    const scenario = score({ need: { kind: 'scenario', modes: [] } });
    expect(scenario.parts.mode).toBe(5);
    expect(scenario.reasons.some((r) => r.startsWith('转化方式'))).toBe(false);
  });

  it('locality: the county full, the city of 呼和浩特 partial, elsewhere nothing (the candidate’s region)', () => {
    const at = (region: string) => score({ offer: { region } });
    expect(at('和林格尔县').parts.locality).toBe(5);
    expect(bare({ region: '和林格尔县' }).reasons).toEqual(['本县单位', '近30天内发布']);
    expect(at('呼和浩特市和林格尔县').parts.locality).toBe(5);
    expect(at('呼和浩特市').parts.locality).toBe(2.5);
    expect(bare({ region: '呼和浩特市' }).reasons).toEqual(['近30天内发布', '呼和浩特市单位']);
    expect(at('包头市').parts.locality).toBe(0);
    expect(bare({ region: '包头市' }).reasons).toEqual(['近30天内发布']);
    expect(score({ need: { region: '北京市' } }).parts.locality).toBe(5);
  });

  it('freshness: full within 30 days, linear to 0 at 365 days (the candidate’s date)', () => {
    const aged = (d: number) => score({ offer: { published_at: daysAgo(d) } });
    expect([0, 30, 197.5, 365, 500].map((d) => aged(d).parts.freshness)).toEqual([5, 5, 2.5, 0, 0]);
    expect(bare({ region: '包头市', published_at: daysAgo(20) }).reasons).toEqual(['近30天内发布']);
    expect(bare({ region: '包头市', published_at: daysAgo(31) }).reasons).toEqual([]);
    expect(score({ offer: { published_at: 'not a date' } }).parts.freshness).toBe(0);
    expect(score({ need: { published_at: daysAgo(1000) } }).parts.freshness).toBe(5);
  });
});

describe('reasons', () => {
  it('at most five, strongest first', () => {
    const r = score({ textScore: 0.1, offer: { region: '呼和浩特市' } });
    expect(r.reasons).toEqual([
      '同属乳业及营养健康领域',
      '技术就绪度7级满足需求（不低于5级）',
      '报价在预算之内',
      '转化方式匹配：许可',
      '近30天内发布',
    ]);
  });

  it('only for what is true', () => {
    const r = score({
      textScore: 0,
      need: { budget_max_wan: null, min_trl: null, modes: [] },
      offer: { field_codes: ['ai'], region: '包头市', published_at: daysAgo(100) },
    });
    expect(r.score).toBeGreaterThan(0);
    expect(r.reasons).toEqual([]);
  });
});

describe('ranking', () => {
  const cand = (id: number, o: Partial<OfferProfile>, textScore = 0.5): Candidate<OfferProfile> => ({
    profile: { ...offer, id, ...o },
    textScore,
    matchedKeywords: ['益生菌'],
  });

  it('orders by score, then the newest, then id', () => {
    const ranked = rankCandidates(
      need,
      [
        cand(10, { published_at: daysAgo(5) }, 0.2),
        cand(11, { published_at: daysAgo(5) }, 0.9),
        cand(14, { published_at: daysAgo(3) }, 0.5),
        cand(12, { published_at: daysAgo(4) }, 0.5),
        cand(13, { published_at: daysAgo(3) }, 0.5),
      ],
      NOW,
    );
    expect(ranked.map((r) => r.profile.id)).toEqual([11, 13, 14, 12, 10]);
    expect(ranked[1]?.score).toBe(ranked[3]?.score);
    expect(ranked[0]?.reasons[0]).toBe('关键词：益生菌');
  });

  it('returns the top 10 by default, or the given number', () => {
    const many = Array.from({ length: 15 }, (_, i) => cand(100 + i, {}, i / 20));
    const top = rankCandidates(need, many, NOW);
    expect(top.map((r) => r.profile.id)).toEqual([114, 113, 112, 111, 110, 109, 108, 107, 106, 105]);
    expect(rankCandidates(need, many, NOW, 3)).toHaveLength(3);
    expect(rankCandidates(need, [], NOW)).toEqual([]);
  });

  it('gives the same order whatever the input order', () => {
    const list = [cand(3, {}), cand(1, {}), cand(2, {}), cand(4, { region: '包头市' })];
    const ids = (xs: Candidate<OfferProfile>[]) => rankCandidates(need, xs, NOW).map((r) => r.profile.id);
    expect(ids(list)).toEqual([1, 2, 3, 4]);
    expect(ids([...list].reverse())).toEqual([1, 2, 3, 4]);
  });

  it('works the other way round: demands for an achievement', () => {
    const d = (id: number, n: Partial<NeedProfile>): Candidate<NeedProfile> => ({
      profile: { ...need, id, ...n },
      textScore: 0.5,
      matchedKeywords: ['发酵'],
    });
    const demands = [
      d(21, { budget_max_wan: 50, region: '包头市' }),
      d(22, { region: '和林格尔县', published_at: daysAgo(2) }),
      d(23, { field_codes: ['ai'], field_names: ['人工智能'] }),
    ];
    const ranked = rankCandidates(offer, demands, NOW);
    expect(ranked.map((r) => r.profile.id)).toEqual([22, 21, 23]);
    // The same formula with the roles swapped: the demand is the candidate (its region and date count).
    const first = demands[1] as Candidate<NeedProfile>;
    expect(ranked[0]).toEqual({
      ...recommendScore({
        need: first.profile,
        offer,
        textScore: 0.5,
        matchedKeywords: ['发酵'],
        now: NOW,
        candidate: 'need',
      }),
      profile: first.profile,
    });
    expect(ranked[0]?.parts).toMatchObject({ locality: 5, freshness: 5 });
    expect(ranked[1]?.parts).toMatchObject({ locality: 0, price: 4 });
  });

  it('scores a pair alike from both sides when both sides share region and date', () => {
    const n = { ...need, region: '和林格尔县', published_at: offer.published_at };
    const forNeed = rankCandidates(n, [{ profile: offer, textScore: 0.4, matchedKeywords: [] }], NOW);
    const forOffer = rankCandidates(offer, [{ profile: n, textScore: 0.4, matchedKeywords: [] }], NOW);
    expect(forNeed[0]?.score).toBe(forOffer[0]?.score);
    expect(forNeed[0]?.reasons).toEqual(forOffer[0]?.reasons);
  });
});
