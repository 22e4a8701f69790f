import {
  type EnqueuedTask,
  type Index,
  Meilisearch,
  MeilisearchApiError,
  type SearchParams,
  type Settings,
  type Task,
} from 'meilisearch';
import type {
  FacetCounts,
  Highlighted,
  SearchDocument,
  SearchEngine,
  SearchHit,
  SearchQuery,
  SearchResult,
} from './engine.ts';
import { buildFilter } from './meili-filter.ts';

/*
 * The production engine: Meilisearch through the official client (0.62, ESM, class `Meilisearch`), chosen
 * when MEILI_URL is set. The index settings live here as code (MEILI_SETTINGS), applied by setup() and by
 * every reindex; every write waits for its task and a failed task throws; a full reindex builds a new index
 * and swaps it atomically with the live one. Filters come from search/meili-filter.ts (one escaping
 * function).
 */

/** Both directions of each group: every word is a synonym of every other word of its group. */
function mutualSynonyms(groups: string[][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const group of groups) {
    for (const word of group) out[word] = group.filter((other) => other !== word);
  }
  return out;
}

/** Chinese fields get the `cmn` tokenizer (jieba) instead of language detection. */
const CHINESE_ATTRIBUTES = ['title', 'summary', 'body', 'keywords', 'field_names'];

/** The index settings, kept as code. Searchable attributes in rank order (attribute ranking rule). */
export const MEILI_SETTINGS = {
  searchableAttributes: ['title', 'keywords', 'field_names', 'summary', 'body', 'organisation_name'],
  filterableAttributes: [
    'kind',
    'field_codes',
    'region',
    'trl',
    'modes',
    'amount_wan',
    'published_at_ts',
    'expires_at_ts',
  ],
  sortableAttributes: ['published_at_ts', 'amount_wan'],
  // The default rules, then freshness as the last tie-break.
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'published_at_ts:desc'],
  faceting: { maxValuesPerFacet: 200 },
  pagination: { maxTotalHits: 10_000 },
  synonyms: mutualSynonyms([
    ['益生菌', '乳酸菌'],
    ['光伏', '太阳能'],
    ['无人机', '低空飞行器'],
    ['ai', '人工智能'],
    ['储能', '电池储能'],
  ]),
  typoTolerance: { enabled: true },
  localizedAttributes: [{ attributePatterns: CHINESE_ATTRIBUTES, locales: ['cmn'] }],
} satisfies Settings;

/** What is stored in Meilisearch: the document plus timestamps in ms for range filters and sorting. */
export interface MeiliDocument extends SearchDocument {
  published_at_ts: number;
  expires_at_ts: number;
}

export function toMeiliDocument(doc: SearchDocument): MeiliDocument {
  return { ...doc, published_at_ts: Date.parse(doc.published_at), expires_at_ts: Date.parse(doc.expires_at) };
}

/** Private markers around matches in `_formatted` (never HTML): split into segments by splitHighlighted(). */
export const HIGHLIGHT_PRE = '\u0001';
export const HIGHLIGHT_POST = '\u0002';

/** `a\u0001b\u0002c` → [['a', false], ['b', true], ['c', false]]; stray markers are dropped. */
export function splitHighlighted(formatted: string): Highlighted {
  const out: Highlighted = [];
  let matched = false;
  let text = '';
  const flush = () => {
    if (text === '') return;
    const last = out[out.length - 1];
    if (last && last[1] === matched) last[0] += text;
    else out.push([text, matched]);
    text = '';
  };
  for (const char of formatted) {
    if (char === HIGHLIGHT_PRE || char === HIGHLIGHT_POST) {
      flush();
      matched = char === HIGHLIGHT_PRE;
    } else {
      text += char;
    }
  }
  flush();
  return out.length > 0 ? out : [['', false]];
}

const FACETS = { kind: 'kind', field: 'field_codes', region: 'region', trl: 'trl', mode: 'modes' } as const;

export function toFacetCounts(distribution: Record<string, Record<string, number>> | undefined): FacetCounts {
  const read = (attribute: string) => ({ ...(distribution?.[attribute] ?? {}) });
  return {
    kind: read(FACETS.kind),
    field: read(FACETS.field),
    region: read(FACETS.region),
    trl: read(FACETS.trl),
    mode: read(FACETS.mode),
  };
}

const SORTS: Record<SearchQuery['sort'], string[] | undefined> = {
  relevance: undefined,
  newest: ['published_at_ts:desc'],
  budget: ['amount_wan:desc'],
};

const HIT_ATTRIBUTES = [
  'id',
  'kind',
  'title',
  'summary',
  'field_codes',
  'field_names',
  'region',
  'trl',
  'budget_min_wan',
  'budget_max_wan',
  'price_wan',
  'price_negotiable',
  'investment_wan',
  'organisation_name',
  'published_at',
] as const satisfies readonly (keyof SearchHit)[];

/** Longest query sent (the routes reject longer ones; the embedded engine cuts at the same length). */
const MAX_QUERY = 200;

/** The search request for a query (pure; exported for tests). */
export function toSearchParams(query: SearchQuery, now: number) {
  const perPage = Math.max(1, Math.floor(query.perPage));
  const page = Math.max(1, Math.floor(query.page));
  return {
    filter: buildFilter(query, now),
    sort: SORTS[query.sort],
    facets: query.facets === false ? undefined : Object.values(FACETS),
    page,
    hitsPerPage: perPage,
    attributesToRetrieve: [...HIT_ATTRIBUTES],
    attributesToHighlight: ['title', 'summary'],
    attributesToCrop: ['summary'],
    cropLength: 60,
    cropMarker: '…',
    highlightPreTag: HIGHLIGHT_PRE,
    highlightPostTag: HIGHLIGHT_POST,
    // Every word must match: 益生菌发酵 = 益生菌 AND 发酵 (the default 'last' drops words from the end). 'any':
    // documents with every word first, then without the most frequent words (Meilisearch has no plain OR).
    matchingStrategy: query.match === 'any' ? 'frequency' : 'all',
    locales: ['cmn'],
  } satisfies SearchParams;
}

type Formatted = Partial<Record<'title' | 'summary', unknown>> | undefined;

function highlightOf(formatted: Formatted, key: 'title' | 'summary', plain: string): Highlighted {
  const value = formatted?.[key];
  return typeof value === 'string' ? splitHighlighted(value) : [[plain, false]];
}

export function toSearchHit(hit: MeiliDocument & { _formatted?: Formatted }): SearchHit {
  return {
    id: hit.id,
    kind: hit.kind,
    title: hit.title,
    summary: hit.summary,
    highlight: {
      title: highlightOf(hit._formatted, 'title', hit.title),
      summary: highlightOf(hit._formatted, 'summary', hit.summary),
    },
    field_codes: hit.field_codes ?? [],
    field_names: hit.field_names ?? [],
    region: hit.region,
    trl: hit.trl ?? null,
    budget_min_wan: hit.budget_min_wan ?? null,
    budget_max_wan: hit.budget_max_wan ?? null,
    price_wan: hit.price_wan ?? null,
    price_negotiable: hit.price_negotiable ?? false,
    investment_wan: hit.investment_wan ?? null,
    organisation_name: hit.organisation_name ?? null,
    published_at: hit.published_at,
  };
}

/** A Meilisearch task that ended in `failed` or `canceled`. */
export class MeilisearchTaskError extends Error {
  override name = 'MeilisearchTaskError';
  constructor(
    readonly task: Task,
    readonly code: string | undefined,
  ) {
    const reason = task.error?.message ?? 'no error message';
    super(`Meilisearch task ${task.uid} (${task.type}) ${task.status}: ${reason}`);
  }
}

export interface MeilisearchEngineOptions {
  url: string;
  apiKey?: string;
  /** The live index; default 'listings'. */
  indexUid?: string;
  /** How long to wait for one task (ms); default 120 000. */
  taskTimeoutMs?: number;
  /**
   * Longest wait for one HTTP request (ms); default 5 000. Without it a Meilisearch that accepts the connection and
   * never answers held the worker loop (every task, not only the indexer) and the search pages for minutes.
   */
  requestTimeoutMs?: number;
}

export function createMeilisearchEngine(options: MeilisearchEngineOptions): SearchEngine {
  const uid = options.indexUid ?? 'listings';
  const client = new Meilisearch({
    host: options.url,
    apiKey: options.apiKey,
    timeout: options.requestTimeoutMs ?? 5_000,
  });
  const waitOptions = { timeout: options.taskTimeoutMs ?? 120_000, interval: 25 };

  /** Waits for the task; resolves only when it succeeded, throws with the task's error otherwise. */
  async function done(enqueued: Promise<EnqueuedTask>): Promise<Task> {
    const task = await client.tasks.waitForTask(await enqueued, waitOptions);
    if (task.status !== 'succeeded') throw new MeilisearchTaskError(task, task.error?.code);
    return task;
  }

  async function createIfMissing(indexUid: string): Promise<void> {
    try {
      await done(client.createIndex(indexUid, { primaryKey: 'id' }));
    } catch (error) {
      if (!(error instanceof MeilisearchTaskError && error.code === 'index_already_exists')) throw error;
    }
  }

  async function configure(index: Index<MeiliDocument>): Promise<void> {
    await done(index.updateSettings(MEILI_SETTINGS));
  }

  async function addDocuments(index: Index<MeiliDocument>, documents: SearchDocument[]): Promise<void> {
    if (documents.length === 0) return;
    await done(index.addDocuments(documents.map(toMeiliDocument), { primaryKey: 'id' }));
  }

  async function deleteIfExists(indexUid: string): Promise<void> {
    try {
      await done(client.deleteIndex(indexUid));
    } catch (error) {
      if (!(error instanceof MeilisearchTaskError && error.code === 'index_not_found')) throw error;
    }
  }

  const liveIndex = client.index<MeiliDocument>(uid);

  return {
    name: 'meilisearch',

    async setup() {
      await createIfMissing(uid);
      await configure(liveIndex);
    },

    async upsert(documents) {
      await addDocuments(liveIndex, documents);
    },

    async delete(ids) {
      if (ids.length === 0) return;
      await done(liveIndex.deleteDocuments(ids));
    },

    async search(query): Promise<SearchResult> {
      const q = query.q.trim().slice(0, MAX_QUERY);
      const params = toSearchParams(query, Date.now());
      const response = await liveIndex.search<MeiliDocument & { _formatted?: Formatted }, typeof params>(
        q === '' ? null : q,
        params,
      );
      return {
        hits: response.hits.map(toSearchHit),
        total: response.totalHits,
        facets: toFacetCounts(response.facetDistribution),
        tookMs: response.processingTimeMs,
      };
    },

    async reindex(batches) {
      // A fresh index beside the live one: search keeps using the live index until the atomic swap.
      const next = `${uid}_new_${Date.now()}`;
      await done(client.createIndex(next, { primaryKey: 'id' }));
      try {
        const index = client.index<MeiliDocument>(next);
        await configure(index);
        for await (const batch of batches) await addDocuments(index, batch);
        await createIfMissing(uid);
        await done(client.swapIndexes([{ indexes: [uid, next], rename: false }]));
      } catch (error) {
        await deleteIfExists(next).catch(() => undefined);
        throw error;
      }
      // After the swap `next` holds the previous documents.
      await deleteIfExists(next);
      return { count: (await liveIndex.getStats()).numberOfDocuments };
    },

    async count() {
      try {
        return (await liveIndex.getStats()).numberOfDocuments;
      } catch (error) {
        if (error instanceof MeilisearchApiError && error.cause?.code === 'index_not_found') return 0;
        throw error;
      }
    },
  };
}
