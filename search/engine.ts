/**
 * The search port. Every engine (embedded PostgreSQL, Meilisearch) fulfils this interface; the contract suite in
 * tests/contract/ runs the same cases against each. PostgreSQL stays the source of truth: the index is derived
 * from public fields only (search/documents.ts) and can always be rebuilt.
 */
import type { ListingKind } from '../db/schema.ts';

/** What enters the index: public fields only (docs/decisions/0003-public-fields.md). */
export interface SearchDocument {
  id: number;
  kind: ListingKind;
  title: string;
  summary: string;
  keywords: string[];
  /** Detail text only when the listing's detail is public; empty otherwise. */
  body: string;
  field_codes: string[];
  field_names: string[];
  region: string;
  /** Achievement TRL, null otherwise. */
  trl: number | null;
  /** Cooperation modes (demand) or transfer modes (achievement). */
  modes: string[];
  /** Money in 万元 for budget filters and sorting: demand max budget, achievement price, scenario investment. */
  amount_wan: number | null;
  budget_min_wan: number | null;
  budget_max_wan: number | null;
  price_wan: number | null;
  price_negotiable: boolean;
  investment_wan: number | null;
  first_trial: boolean;
  type_code: string | null;
  /** The organisation's name when the detail is public, else null. */
  organisation_name: string | null;
  published_at: string;
  expires_at: string;
}

export type SearchSort = 'relevance' | 'newest' | 'budget';

export interface SearchQuery {
  q: string;
  kind?: ListingKind;
  fields?: string[];
  region?: string;
  modes?: string[];
  trlMin?: number;
  trlMax?: number;
  budgetMin?: number;
  budgetMax?: number;
  publishedAfter?: string;
  sort: SearchSort;
  page: number;
  perPage: number;
  /** Prefix match on the last term (search-as-you-type). */
  prefix?: boolean;
  /**
   * 'all' (default): every part of `q` must match. 'any': a document holding any one part matches, documents
   * holding more parts rank higher (recommendations). Parts are separated by spaces or a change of script; the
   * words of one Chinese run still match together (乳清蛋白 = 乳清 AND 蛋白). docs/search.md.
   */
  match?: 'all' | 'any';
  /** false: no facet counts (empty objects), for callers that do not show them. Default true. */
  facets?: boolean;
}

/** A piece of highlighted text: [text, matched]. Rendered with <mark>; never HTML. */
export type Highlighted = [text: string, matched: boolean][];

export interface SearchHit {
  id: number;
  kind: ListingKind;
  title: string;
  summary: string;
  highlight: { title: Highlighted; summary: Highlighted };
  field_codes: string[];
  field_names: string[];
  region: string;
  trl: number | null;
  budget_min_wan: number | null;
  budget_max_wan: number | null;
  price_wan: number | null;
  price_negotiable: boolean;
  investment_wan: number | null;
  organisation_name: string | null;
  published_at: string;
}

export interface FacetCounts {
  kind: Record<string, number>;
  field: Record<string, number>;
  region: Record<string, number>;
  trl: Record<string, number>;
  mode: Record<string, number>;
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  facets: FacetCounts;
  tookMs: number;
}

export interface SearchEngine {
  readonly name: 'postgres' | 'meilisearch';
  /** Creates or updates the index and its settings. Idempotent. */
  setup(): Promise<void>;
  /** Full replacements of documents; resolves only when the engine confirmed. */
  upsert(documents: SearchDocument[]): Promise<void>;
  delete(ids: number[]): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** Rebuilds the whole index from the given batches without a window where search is empty. */
  reindex(batches: AsyncIterable<SearchDocument[]>): Promise<{ count: number }>;
  /** Number of documents in the index (reindex checks, contract tests). */
  count(): Promise<number>;
}
