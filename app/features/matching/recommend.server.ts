import type { LoaderFunctionArgs } from '@remix-run/node';
import type { Kysely } from 'kysely';
import { type Database, type ListingKind, MODES, type Mode } from '../../../db/schema.ts';
import { documentsOf } from '../../../search/documents.ts';
import type { SearchDocument, SearchEngine, SearchHit, SearchQuery } from '../../../search/engine.ts';
import { words } from '../../../search/segment.ts';
import { getPrincipal } from '../../server/auth.server.ts';
import type { AppContext } from '../../server/context.ts';
import { isDatabaseUnavailable } from '../../server/unavailable.ts';
import { hasPermission } from '../accounts/permissions.ts';
import { DAY_MS } from '../listings/lifecycle.ts';
import {
  type Candidate,
  type NeedProfile,
  type OfferProfile,
  type Ranked,
  rankCandidates,
} from './recommend-score.ts';

/*
 * Recommendations both ways (issue 7, item 1): for a demand or a scenario the achievements that fit, for an
 * achievement the demands and scenarios that fit. The scoring is pure (recommend-score.ts); this module finds
 * the candidates and builds the profiles.
 *
 * Candidates come from the search port only (live listings, public fields), per opposite kind, without facets
 * and side by side:
 *   - by text: the source's keywords (and title words when it has few) as one query with match 'any' (a
 *     candidate holding any of them), relevance order, TEXT_CANDIDATES of them over the kinds;
 *   - by field: no words, the source's fields, newest first, FIELD_CANDIDATES of them, so that a listing of
 *     the same field without a word in common still appears.
 * At most 75 candidates; each is re-read with documentsOf (public document, live now) and dropped when it is
 * the source itself or belongs to the source's organisation. Timing: docs/performance.md (Recommendations).
 *
 * Text relevance (0..1) is the share of the source's query terms the candidate's public text holds literally:
 * a term in its title or keywords counts 1, in its summary or public detail TEXT_BODY_CREDIT; TEXT_SATURATION
 * terms are enough for 1. The engines' own scores are not comparable with each other (ts_rank_cd is unbounded,
 * Meilisearch's _rankingScore is 0..1) and the port carries none; this measure is the same on both engines and
 * is exactly what the 关键词 reason names.
 */

export const RECOMMEND_LIMIT = 10;
/** Candidates asked from the engine, split over the opposite kinds. */
export const TEXT_CANDIDATES = 50;
export const FIELD_CANDIDATES = 25;
/**
 * Terms of the text query: the keywords first (at most MAX_KEYWORD_TERMS); title words only while there are
 * fewer than MIN_QUERY_TERMS (every term widens the query: on the embedded engine the cost grows with the
 * number of matching documents).
 */
export const MAX_KEYWORD_TERMS = 5;
export const MIN_QUERY_TERMS = 3;
export const TEXT_SATURATION = 3;
/**
 * The field query looks at the listings of the last FIELD_WINDOW_DAYS first (the same newest hits when there
 * are enough of them, and much less to read in a large index), then at all of them.
 */
export const FIELD_WINDOW_DAYS = 30;
export const TEXT_BODY_CREDIT = 0.6;

/**
 * Words of a title that say nothing about the subject (they are in most listings: 技术 in ~80%); never sent as
 * query terms. Not shown to anyone.
 */
const GENERIC_WORDS = new Set([
  '技术',
  '需求',
  '成果',
  '场景',
  '应用',
  '应用场景',
  '项目',
  '研究',
  '研发',
  '开发',
  '合作',
  '攻关',
  '关键',
  '关键技术',
  '系统',
  '平台',
  '方法',
  '工艺',
  '装置',
  '装备',
  '设备',
  '示范',
  '创新',
  '开放',
  '征集',
  '难题',
  '改造',
  '升级',
  '提升',
  '优化',
  '新型',
  '及其',
  '基于',
  '面向',
  '一种',
  '用于',
  '建设',
  '服务',
  '企业',
  '单位',
  '验证',
  '基地',
  '联合',
  '质量',
  '产品',
  '生产',
  '管理',
  '落地',
  '智能',
  '高效',
  '国产',
  '替代',
  '综合',
  '利用',
  '体系',
  '模式',
  '方案',
  '解决方案',
  '改进',
  '改良',
]);

const HAN = /\p{Script=Han}/u;

/** A term worth searching: two or more characters, not generic. */
function usefulTerm(term: string): boolean {
  const t = term.trim().toLowerCase();
  if ([...t].length < 2 || GENERIC_WORDS.has(t)) return false;
  return HAN.test(t) || /[a-z]/.test(t);
}

/**
 * The query terms of a listing: its keywords (at most MAX_KEYWORD_TERMS), then, while there are fewer than
 * MIN_QUERY_TERMS, the words of its title that no chosen term already contains; lower case, generic words left
 * out.
 */
export function queryTerms(source: Pick<SearchDocument, 'keywords' | 'title'>): string[] {
  const terms: string[] = [];
  const add = (term: string) => {
    const t = term.trim().toLowerCase().replace(/\s+/g, ' ');
    if (!usefulTerm(t) || terms.some((x) => x.includes(t))) return false;
    terms.push(t);
    return true;
  };
  for (const keyword of source.keywords) {
    if (terms.length >= MAX_KEYWORD_TERMS) break;
    add(keyword);
  }
  if (terms.length < MIN_QUERY_TERMS) {
    for (const word of words(source.title)) {
      if (terms.length >= MIN_QUERY_TERMS) break;
      add(word);
    }
  }
  return terms;
}

/** Which terms a candidate's public text holds, and the text relevance 0..1 they give. */
export function textMatch(
  terms: readonly string[],
  doc: Pick<SearchDocument, 'title' | 'keywords' | 'summary' | 'body'>,
): { textScore: number; matched: string[] } {
  if (terms.length === 0) return { textScore: 0, matched: [] };
  const strong = [doc.title, ...doc.keywords].join('\n').toLowerCase();
  const weak = [doc.summary, doc.body].join('\n').toLowerCase();
  const credited = terms
    .map((term, order) => ({
      term,
      order,
      credit: strong.includes(term) ? 1 : weak.includes(term) ? TEXT_BODY_CREDIT : 0,
    }))
    .filter((t) => t.credit > 0);
  const sum = credited.reduce((s, t) => s + t.credit, 0);
  const textScore = Math.min(1, sum / Math.min(TEXT_SATURATION, terms.length));
  credited.sort((a, b) => b.credit - a.credit || a.order - b.order);
  return { textScore, matched: credited.map((t) => t.term) };
}

const isMode = (m: string): m is Mode => (MODES as readonly string[]).includes(m);

/** The profile of a public document (a demand's minimum TRL is not recorded: null; see recommend-score.ts). */
export function profileOf(doc: SearchDocument): NeedProfile | OfferProfile {
  const base = {
    id: doc.id,
    title: doc.title,
    keywords: doc.keywords,
    field_codes: doc.field_codes,
    field_names: doc.field_names,
    modes: doc.modes.filter(isMode),
    region: doc.region,
    published_at: doc.published_at,
  };
  if (doc.kind === 'achievement') {
    return {
      ...base,
      kind: 'achievement',
      trl: doc.trl,
      price_wan: doc.price_wan,
      price_negotiable: doc.price_negotiable,
    };
  }
  // A scenario without a stated minimum counts as a pilot (PILOT_MIN_TRL, applied by recommend-score.ts with
  // its own reason 满足中试需求); its budget is the planned investment.
  return {
    ...base,
    kind: doc.kind,
    min_trl: null,
    budget_max_wan: doc.kind === 'demand' ? doc.budget_max_wan : doc.investment_wan,
  };
}

export function oppositeKinds(kind: ListingKind): ListingKind[] {
  return kind === 'achievement' ? ['demand', 'scenario'] : ['achievement'];
}

export interface RecommendationItem {
  id: number;
  kind: ListingKind;
  title: string;
  /** Null when the candidate's detail (and so its organisation) is not public. */
  organisation_name: string | null;
  /** 0..100, one decimal. */
  score: number;
  reasons: string[];
}

export interface RecommendationList {
  source: { id: number; kind: ListingKind; title: string };
  items: RecommendationItem[];
  tookMs: number;
}

/** Ids of live listings of the opposite side found by text and by field (the source itself left out). */
async function candidateIdsFor(
  search: SearchEngine,
  source: SearchDocument,
  terms: readonly string[],
  now: Date,
): Promise<number[]> {
  const kinds = oppositeKinds(source.kind);
  const perKind = (n: number) => Math.max(1, Math.ceil(n / kinds.length));
  const base = { page: 1, facets: false } as const;
  const recent = new Date(now.getTime() - FIELD_WINDOW_DAYS * DAY_MS).toISOString();
  async function byText(kind: ListingKind): Promise<SearchHit[]> {
    const q = terms.join(' ');
    const perPage = perKind(TEXT_CANDIDATES);
    return (await search.search({ ...base, q, kind, match: 'any', sort: 'relevance', perPage })).hits;
  }
  /** The newest listings of the source's fields: among the recent ones first, among all when too few. */
  async function byField(kind: ListingKind): Promise<SearchHit[]> {
    const fields = source.field_codes;
    const query: SearchQuery = {
      ...base,
      q: '',
      kind,
      fields,
      sort: 'newest',
      perPage: perKind(FIELD_CANDIDATES),
    };
    const first = await search.search({ ...query, publishedAfter: recent });
    return first.hits.length < query.perPage ? (await search.search(query)).hits : first.hits;
  }
  // Side by side: a pg pool runs them in parallel (PGlite has one connection and queues them).
  const found = await Promise.all(
    kinds.flatMap((kind) => [
      terms.length > 0 ? byText(kind) : [],
      source.field_codes.length > 0 ? byField(kind) : [],
    ]),
  );
  const ids = new Set<number>();
  for (const hits of found) for (const hit of hits) if (hit.id !== source.id) ids.add(hit.id);
  return [...ids];
}

/**
 * Recommendations for one listing in any state (the caller decides who may see them). Null when the listing
 * does not exist.
 */
export async function recommendFor(
  db: Kysely<Database>,
  search: SearchEngine,
  listingId: number,
  options: { limit?: number; now?: Date } = {},
): Promise<RecommendationList | null> {
  const started = performance.now();
  const limit = options.limit ?? RECOMMEND_LIMIT;
  const now = options.now ?? new Date();

  const [documents, owner] = await Promise.all([
    documentsOf(db, [listingId], now),
    db.selectFrom('listing').select('organisation_id').where('id', '=', listingId).executeTakeFirst(),
  ]);
  const source = documents.get(listingId)?.doc;
  if (!source || !owner) return null;

  const terms = queryTerms(source);
  const kinds = oppositeKinds(source.kind);
  const candidateIds = await candidateIdsFor(search, source, terms, now);
  const [docs, orgs] = await Promise.all([
    documentsOf(db, candidateIds, now),
    candidateIds.length
      ? db.selectFrom('listing').select(['id', 'organisation_id']).where('id', 'in', candidateIds).execute()
      : [],
  ]);
  const ownOrganisation = new Set(
    orgs.filter((o) => o.organisation_id === owner.organisation_id).map((o) => o.id),
  );
  const byId = new Map<number, SearchDocument>();
  const candidates: Candidate<NeedProfile | OfferProfile>[] = [];
  for (const id of candidateIds) {
    const entry = docs.get(id);
    // The index may lag behind: only what is live now, of the opposite side, and not the source's own.
    if (!entry?.live || !kinds.includes(entry.doc.kind) || ownOrganisation.has(id)) continue;
    byId.set(id, entry.doc);
    const { textScore, matched } = textMatch(terms, entry.doc);
    candidates.push({ profile: profileOf(entry.doc), textScore, matchedKeywords: matched });
  }

  const subject = profileOf(source);
  const ranked: Ranked<NeedProfile | OfferProfile>[] =
    subject.kind === 'achievement'
      ? rankCandidates(subject, candidates as Candidate<NeedProfile>[], now, limit)
      : rankCandidates(subject, candidates as Candidate<OfferProfile>[], now, limit);
  return {
    source: { id: source.id, kind: source.kind, title: source.title },
    items: ranked.map((r) => {
      const doc = byId.get(r.profile.id)!;
      return {
        id: doc.id,
        kind: doc.kind,
        title: doc.title,
        organisation_name: doc.organisation_name,
        score: r.score,
        reasons: r.reasons,
      };
    }),
    tookMs: Math.round(performance.now() - started),
  };
}

/**
 * The public listing page: recommendations for technology managers and bureau staff
 * ('read:recommendations:any'), null for everyone else.
 */
export async function recommendationsForViewer(
  { request, context }: Pick<LoaderFunctionArgs, 'request' | 'context'>,
  listingId: number,
): Promise<RecommendationList | null> {
  const principal = await getPrincipal(request, context);
  if (!hasPermission(principal, 'read:recommendations:any')) return null;
  return recommendationsOrNull(context, listingId);
}

/**
 * recommendFor for a page, or null when the search engine fails (times out, is down): the page still opens without
 * the panel, and the failure is logged (docs/reliability.md "Faults", tests/faults/engine-timeout.test.ts). A
 * database outage is not swallowed: the page answers 503 (app/server/unavailable.ts).
 */
export async function recommendationsOrNull(
  context: Pick<AppContext, 'db' | 'search' | 'logger'>,
  listingId: number,
): Promise<RecommendationList | null> {
  try {
    return await recommendFor(context.db, context.search, listingId);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    context.logger.warn(
      { err: error, listingId, engine: context.search.name },
      'recommendations left out: the search engine failed',
    );
    return null;
  }
}
