import type { Mode } from '../../../db/schema.ts';
import { matchingZh } from '../../i18n/zh-CN/matching.ts';
import { DAY_MS } from '../listings/lifecycle.ts';
import type { MatchSide } from './match-state.ts';

/*
 * The recommendation score of a (need, offer) pair: 0..100, a weighted sum of seven factors, each a fraction
 * 0..1 times its weight (RECOMMEND_WEIGHTS), with plain-Chinese reasons for the factors that contribute.
 *   text      the caller's search-engine relevance (0..1), as given
 *   field     shared fields / fields of the side with fewer fields (overlap coefficient)
 *   trl       offer TRL ≥ the need's minimum: 1; one level short: ½; more: 0. A scenario without a minimum needs
 *             TRL ≥ PILOT_MIN_TRL (a pilot); a demand without a minimum: ½ when the offer's TRL is known; offer
 *             TRL unknown: 0
 *   price     price ≤ budget: 1; over budget: falls linearly to 0 at twice the budget, but 面议 keeps ½;
 *             no budget known, or no price and not 面议: ½
 *   mode      a mode in common: 1; only related modes (委托开发 ~ 合作开发, 技术咨询 ~ 技术服务): ½; none: 0;
 *             one side lists none (scenarios have none): ½
 *   locality  the candidate's region contains 和林格尔: 1; 呼和浩特: ½; otherwise 0
 *   freshness the candidate's age: ≤ 30 days 1, falling linearly to 0 at 365 days
 * "Unknown counts half" keeps listings with missing data from being buried or promoted. A reason is listed only
 * for a factor that contributes and only when its sentence is true (no reason for a ½ given for unknown data);
 * reasons are ordered by points, strongest first, at most MAX_REASONS.
 * The candidate is the listing being recommended (freshness and locality are its own); ranking works both ways:
 * offers for a need, or needs for an offer (the roles are swapped, the formula is the same).
 */
export const RECOMMEND_WEIGHTS = {
  text: 35,
  field: 20,
  trl: 15,
  price: 10,
  mode: 10,
  locality: 5,
  freshness: 5,
} as const;
export type RecommendFactor = keyof typeof RECOMMEND_WEIGHTS;

/** A scenario is a pilot (首试首用): it needs at least a system prototype in a relevant environment. */
export const PILOT_MIN_TRL = 6;
export const MAX_REASONS = 5;
export const MAX_REASON_KEYWORDS = 5;
export const FRESH_DAYS = 30;
export const STALE_DAYS = 365;

interface ProfileBase {
  id: number;
  title: string;
  keywords: string[];
  /** Field codes and their names, in the same order. */
  field_codes: string[];
  field_names: string[];
  /** Cooperation modes of a need, transfer modes of an offer (one vocabulary: MODES). */
  modes: Mode[];
  /** 和林格尔县, 呼和浩特市, 包头市, … */
  region: string;
  /** ISO timestamp. */
  published_at: string;
}

/** A demand or a scenario. */
export interface NeedProfile extends ProfileBase {
  kind: 'demand' | 'scenario';
  /** The lowest useful TRL (1–9) or null; a scenario without one needs PILOT_MIN_TRL. */
  min_trl: number | null;
  /** The most the need side will pay (万元), null when unknown. */
  budget_max_wan: number | null;
}

/** An achievement. */
export interface OfferProfile extends ProfileBase {
  kind: 'achievement';
  trl: number | null;
  price_wan: number | null;
  price_negotiable: boolean;
}

export interface ScoreInput {
  need: NeedProfile;
  offer: OfferProfile;
  /** Text relevance from the search engine, 0..1 (clamped). */
  textScore: number;
  /** The keywords the search matched, shown as a reason. */
  matchedKeywords: string[];
  now: Date;
  /** Which side is being recommended (its freshness and locality count). Default 'offer'. */
  candidate?: MatchSide;
}

export interface Recommendation {
  /** 0..100, one decimal. */
  score: number;
  reasons: string[];
  /** Points per factor (0..weight), for explanation and tests. */
  parts: Record<RecommendFactor, number>;
}

interface Factor {
  fraction: number;
  reason: string | null;
}

const say = matchingZh.reason;
const join = (items: readonly string[]) => items.join(matchingZh.separator);
const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const validTrl = (t: number | null) => (t !== null && Number.isInteger(t) && t >= 1 && t <= 9 ? t : null);

function textFactor(textScore: number, matchedKeywords: readonly string[]): Factor {
  const fraction = clamp01(textScore);
  if (fraction === 0) return { fraction, reason: null };
  const words = [...new Set(matchedKeywords.map((k) => k.trim()).filter(Boolean))].slice(
    0,
    MAX_REASON_KEYWORDS,
  );
  return { fraction, reason: words.length > 0 ? say.keywords(join(words)) : say.textRelated };
}

function fieldFactor(need: NeedProfile, offer: OfferProfile): Factor {
  const offerCodes = new Set(offer.field_codes);
  const shared = need.field_codes.filter((c, i) => offerCodes.has(c) && need.field_codes.indexOf(c) === i);
  const smaller = Math.min(new Set(need.field_codes).size, offerCodes.size);
  if (shared.length === 0 || smaller === 0) return { fraction: 0, reason: null };
  const name = (code: string) =>
    need.field_names[need.field_codes.indexOf(code)] ??
    offer.field_names[offer.field_codes.indexOf(code)] ??
    code;
  return { fraction: Math.min(1, shared.length / smaller), reason: say.sameField(join(shared.map(name))) };
}

function trlFactor(need: NeedProfile, offer: OfferProfile): Factor {
  const trl = validTrl(offer.trl);
  if (trl === null) return { fraction: 0, reason: null };
  const stated = validTrl(need.min_trl);
  const min = stated ?? (need.kind === 'scenario' ? PILOT_MIN_TRL : null);
  if (min === null) return { fraction: 0.5, reason: null };
  if (trl >= min) {
    return { fraction: 1, reason: stated === null ? say.trlMeetsPilot(trl) : say.trlMeetsNeed(trl, min) };
  }
  return { fraction: min - trl === 1 ? 0.5 : 0, reason: null };
}

function priceFactor(need: NeedProfile, offer: OfferProfile): Factor {
  const budget = need.budget_max_wan;
  const price = offer.price_wan;
  const negotiable: Factor = { fraction: 0.5, reason: say.priceNegotiable };
  if (budget !== null && price !== null) {
    if (price <= budget) return { fraction: 1, reason: say.priceWithinBudget };
    const fraction = budget > 0 ? clamp01(1 - (price - budget) / budget) : 0;
    return offer.price_negotiable && fraction < 0.5 ? negotiable : { fraction, reason: null };
  }
  return offer.price_negotiable ? negotiable : { fraction: 0.5, reason: null };
}

/** Pairs of modes that lead to the same kind of contract (技术开发; 技术咨询/服务). */
const RELATED_MODES: readonly (readonly [Mode, Mode])[] = [
  ['commissioned', 'joint_development'],
  ['consulting', 'service'],
];

function modeFactor(need: NeedProfile, offer: OfferProfile): Factor {
  if (need.modes.length === 0 || offer.modes.length === 0) return { fraction: 0.5, reason: null };
  const label = (m: Mode) => matchingZh.modeShort[m];
  const common = [...new Set(need.modes.filter((m) => offer.modes.includes(m)))];
  if (common.length > 0) return { fraction: 1, reason: say.modeMatch(join(common.map(label))) };
  const related = RELATED_MODES.filter(
    ([a, b]) =>
      (need.modes.includes(a) && offer.modes.includes(b)) ||
      (need.modes.includes(b) && offer.modes.includes(a)),
  );
  if (related.length === 0) return { fraction: 0, reason: null };
  return { fraction: 0.5, reason: say.modeRelated(join(related.map(([a, b]) => `${label(a)}/${label(b)}`))) };
}

function localityFactor(region: string): Factor {
  if (region.includes(matchingZh.locality.county)) return { fraction: 1, reason: say.localCounty };
  if (region.includes(matchingZh.locality.city)) return { fraction: 0.5, reason: say.localCity };
  return { fraction: 0, reason: null };
}

function ageDays(publishedAt: string, now: Date): number {
  const t = Date.parse(publishedAt);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : (now.getTime() - t) / DAY_MS;
}

function freshnessFactor(publishedAt: string, now: Date): Factor {
  const age = ageDays(publishedAt, now);
  if (age <= FRESH_DAYS) return { fraction: 1, reason: say.fresh };
  return { fraction: clamp01((STALE_DAYS - age) / (STALE_DAYS - FRESH_DAYS)), reason: null };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Scores one (need, offer) pair. */
export function recommendScore(input: ScoreInput): Recommendation {
  const { need, offer, now } = input;
  const candidate = input.candidate === 'need' ? need : offer;
  const factors: Record<RecommendFactor, Factor> = {
    text: textFactor(input.textScore, input.matchedKeywords),
    field: fieldFactor(need, offer),
    trl: trlFactor(need, offer),
    price: priceFactor(need, offer),
    mode: modeFactor(need, offer),
    locality: localityFactor(candidate.region),
    freshness: freshnessFactor(candidate.published_at, now),
  };
  const names = Object.keys(RECOMMEND_WEIGHTS) as RecommendFactor[];
  const parts = Object.fromEntries(
    names.map((n) => [n, round1(factors[n].fraction * RECOMMEND_WEIGHTS[n])]),
  ) as Record<RecommendFactor, number>;
  const exact = names.reduce((sum, n) => sum + factors[n].fraction * RECOMMEND_WEIGHTS[n], 0);
  const reasons = names
    .map((n, order) => ({
      points: factors[n].fraction * RECOMMEND_WEIGHTS[n],
      order,
      reason: factors[n].reason,
    }))
    .filter((r): r is { points: number; order: number; reason: string } => r.points > 0 && r.reason !== null)
    .sort((a, b) => b.points - a.points || a.order - b.order)
    .slice(0, MAX_REASONS)
    .map((r) => r.reason);
  return { score: round1(exact), reasons, parts };
}

/** One candidate as the search engine returned it. */
export interface Candidate<P> {
  profile: P;
  textScore: number;
  matchedKeywords: string[];
}

export type Ranked<P> = Recommendation & { profile: P };

/**
 * Scores candidates for a subject and returns the best `limit` (default 10): score desc, then the newest
 * published, then id asc. A need's candidates are offers; an offer's candidates are needs.
 */
export function rankCandidates(
  subject: NeedProfile,
  candidates: readonly Candidate<OfferProfile>[],
  now: Date,
  limit?: number,
): Ranked<OfferProfile>[];
export function rankCandidates(
  subject: OfferProfile,
  candidates: readonly Candidate<NeedProfile>[],
  now: Date,
  limit?: number,
): Ranked<NeedProfile>[];
export function rankCandidates(
  subject: NeedProfile | OfferProfile,
  candidates: readonly Candidate<NeedProfile | OfferProfile>[],
  now: Date,
  limit = 10,
): Ranked<NeedProfile | OfferProfile>[] {
  const scored = candidates.map((c) => {
    const pair =
      subject.kind === 'achievement'
        ? { need: c.profile as NeedProfile, offer: subject, candidate: 'need' as const }
        : { need: subject, offer: c.profile as OfferProfile, candidate: 'offer' as const };
    const r = recommendScore({ ...pair, textScore: c.textScore, matchedKeywords: c.matchedKeywords, now });
    return { ...r, profile: c.profile, published: Date.parse(c.profile.published_at) };
  });
  const time = (t: number) => (Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t);
  scored.sort(
    (a, b) => b.score - a.score || time(b.published) - time(a.published) || a.profile.id - b.profile.id,
  );
  return scored.slice(0, Math.max(0, limit)).map(({ published: _, ...rest }) => rest);
}
