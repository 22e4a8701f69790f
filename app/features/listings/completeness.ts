import type { ListingKind } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';

/*
 * The completeness score (0–100) with concrete hints, shown on the form, to the reviewer and as a badge.
 * Pure: works on a parsed form or a database row. Each check has a weight; the score is the share met.
 */
export interface CompletenessInput {
  kind: ListingKind;
  summary?: string | null;
  detail?: string | null;
  keywords?: readonly string[] | null;
  indicators?: string | null;
  budget_min_wan?: number | null;
  budget_max_wan?: number | null;
  deadline?: string | null;
  cooperation_modes?: readonly string[] | null;
  ip_expectation?: string | null;
  innovation_points?: readonly string[] | null;
  patent_numbers?: readonly string[] | null;
  achievement_type?: string | null;
  trl?: number | null;
  transfer_modes?: readonly string[] | null;
  price_wan?: number | null;
  price_negotiable?: boolean | null;
  team?: string | null;
  advantages?: string | null;
  issuing_unit?: string | null;
  location?: string | null;
  expected_tech?: string | null;
  investment_wan?: number | null;
  period_start?: string | null;
  period_end?: string | null;
  contact_name?: string | null;
  contact_phone?: string | null;
}

type Hint = keyof typeof zhCN.completeness.hints;
type Check = [hint: Hint, weight: number, met: (l: CompletenessInput) => boolean];

const filled = (v: string | null | undefined, min = 1) => (v ?? '').trim().length >= min;
const some = (v: readonly unknown[] | null | undefined, min = 1) => (v?.length ?? 0) >= min;
/** A target is quantified when it carries a number (digits, or a comparison such as ≥ ≤ %). */
const quantified = (v: string | null | undefined) => /[0-9０-９]/.test(v ?? '');

const COMMON: Check[] = [
  ['summaryLength', 10, (l) => filled(l.summary, 80)],
  ['detail', 10, (l) => filled(l.detail, 200)],
  ['keywords', 5, (l) => some(l.keywords, 3)],
  ['contact', 5, (l) => filled(l.contact_name) && filled(l.contact_phone)],
];

const BY_KIND: Record<ListingKind, Check[]> = {
  demand: [
    ['quantified', 25, (l) => quantified(l.indicators)],
    ['budget', 15, (l) => l.budget_max_wan != null || l.budget_min_wan != null],
    ['deadline', 10, (l) => filled(l.deadline)],
    ['modes', 10, (l) => some(l.cooperation_modes)],
    ['ip', 10, (l) => filled(l.ip_expectation)],
  ],
  achievement: [
    ['points', 10, (l) => some(l.innovation_points)],
    ['quantified', 20, (l) => quantified(l.indicators)],
    ['trl', 15, (l) => l.trl != null],
    [
      'patents',
      10,
      (l) =>
        some(l.patent_numbers) ||
        !['invention_patent', 'utility_model', 'software', 'plant_variety'].includes(
          l.achievement_type ?? '',
        ),
    ],
    ['price', 10, (l) => l.price_wan != null || Boolean(l.price_negotiable)],
    ['team', 5, (l) => filled(l.team)],
    ['advantages', 5, (l) => filled(l.advantages)],
    ['modes', 5, (l) => some(l.transfer_modes)],
  ],
  scenario: [
    ['issuingUnit', 10, (l) => filled(l.issuing_unit)],
    ['location', 10, (l) => filled(l.location)],
    ['expectedTech', 20, (l) => filled(l.expected_tech, 10)],
    ['investment', 15, (l) => l.investment_wan != null],
    ['period', 10, (l) => filled(l.period_start) && filled(l.period_end)],
    ['quantified', 5, (l) => quantified(l.indicators) || quantified(l.summary)],
  ],
};

export interface Completeness {
  score: number;
  hints: string[];
}

export function completeness(listing: CompletenessInput): Completeness {
  const checks = [...BY_KIND[listing.kind], ...COMMON];
  const total = checks.reduce((sum, [, weight]) => sum + weight, 0);
  let met = 0;
  const hints: string[] = [];
  for (const [hint, weight, ok] of checks) {
    if (ok(listing)) met += weight;
    else hints.push(zhCN.completeness.hints[hint]);
  }
  return { score: Math.round((met / total) * 100), hints };
}
