import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SearchDocument, SearchQuery } from '../../search/engine.ts';
import { buildFilter, filterValue } from '../../search/meili-filter.ts';
import {
  createMeilisearchEngine,
  HIGHLIGHT_POST,
  HIGHLIGHT_PRE,
  MEILI_SETTINGS,
  splitHighlighted,
  toFacetCounts,
  toMeiliDocument,
  toSearchParams,
} from '../../search/meilisearch.ts';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const EXPIRY = `expires_at_ts > ${NOW}`;

function query(overrides: Partial<SearchQuery> = {}): SearchQuery {
  return { q: '', sort: 'relevance', page: 1, perPage: 20, ...overrides };
}

/**
 * Reads one double-quoted value the way Meilisearch's filter parser does: up to the first `"` not preceded by
 * a backslash (a backslash always takes the next character with it), then `\"` → `"` and `\\` → `\`.
 */
function readQuoted(filter: string, start: number): { value: string; end: number } {
  expect(filter[start]).toBe('"');
  let raw = '';
  for (let i = start + 1; i < filter.length; i++) {
    const c = filter[i]!;
    if (c === '"') return { value: raw.replace(/\\(["\\])/g, '$1'), end: i + 1 };
    if (c === '\\') {
      raw += c + (filter[i + 1] ?? '');
      i++;
    } else {
      raw += c;
    }
  }
  throw new Error(`unterminated value in ${filter}`);
}

describe('filterValue: the one escaping function', () => {
  it('writes numbers as they are', () => {
    expect(filterValue(5)).toBe('5');
    expect(filterValue(12.5)).toBe('12.5');
    expect(filterValue(-3)).toBe('-3');
    expect(filterValue(1764547200000)).toBe('1764547200000');
  });

  it('refuses numbers that are not finite (no NaN or Infinity in a filter)', () => {
    expect(() => filterValue(Number.NaN)).toThrow(RangeError);
    expect(() => filterValue(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('double-quotes strings', () => {
    expect(filterValue('dairy')).toBe('"dairy"');
    expect(filterValue('和林格尔县')).toBe('"和林格尔县"');
    expect(filterValue('')).toBe('""');
    expect(filterValue("it's")).toBe('"it\'s"');
  });

  it('escapes backslashes first, then double quotes', () => {
    expect(filterValue('a"b')).toBe('"a\\"b"');
    expect(filterValue('a\\b')).toBe('"a\\\\b"');
    expect(filterValue('a\\"b')).toBe('"a\\\\\\"b"');
    expect(filterValue('\\')).toBe('"\\\\"');
    expect(filterValue('"')).toBe('"\\""');
  });

  it('keeps injection attempts a single quoted value that reads back unchanged', () => {
    const attempts = [
      '" OR kind = "x',
      'dairy" OR field_codes = "ai',
      '\\" OR kind = "x',
      'x\\',
      'x\\\\" OR 1 = 1 OR "',
      '"]) OR (kind = "demand',
      'a" AND NOT expires_at_ts > 0 AND "b',
      "' OR '1'='1",
      '\\\\\\"',
    ];
    for (const attempt of attempts) {
      const quoted = filterValue(attempt);
      const { value, end } = readQuoted(quoted, 0);
      expect(end).toBe(quoted.length); // the value ends exactly at our closing quote
      expect(value).toBe(attempt); // and means exactly what was given
    }
  });
});

describe('buildFilter', () => {
  it('gives only the expiry clause for an empty query', () => {
    expect(buildFilter(query(), NOW)).toEqual([EXPIRY]);
    expect(buildFilter(query({ q: '乳清', fields: [], modes: [] }), NOW)).toEqual([EXPIRY]);
  });

  it('builds one AND clause per filter, OR inside a facet', () => {
    const filter = buildFilter(
      query({
        kind: 'achievement',
        fields: ['dairy', 'ai'],
        region: '和林格尔县',
        modes: ['license', 'equity'],
        trlMin: 4,
        trlMax: 7,
        budgetMin: 50,
        budgetMax: 500.5,
        publishedAfter: '2026-11-01',
      }),
      NOW,
    );
    expect(filter).toEqual([
      EXPIRY,
      'kind = "achievement"',
      'field_codes IN ["dairy", "ai"]',
      'region = "和林格尔县"',
      'modes IN ["license", "equity"]',
      'trl >= 4',
      'trl <= 7',
      'amount_wan >= 50',
      'amount_wan <= 500.5',
      `published_at_ts >= ${Date.parse('2026-11-01')}`,
    ]);
  });

  it('builds open numeric ranges', () => {
    expect(buildFilter(query({ trlMin: 3 }), NOW)).toEqual([EXPIRY, 'trl >= 3']);
    expect(buildFilter(query({ budgetMax: 100 }), NOW)).toEqual([EXPIRY, 'amount_wan <= 100']);
    expect(buildFilter(query({ trlMin: 0 }), NOW)).toEqual([EXPIRY, 'trl >= 0']);
  });

  it('ignores numbers and dates that are not numbers (the routes reject them before)', () => {
    expect(buildFilter(query({ trlMin: Number.NaN, budgetMax: Number.POSITIVE_INFINITY }), NOW)).toEqual([
      EXPIRY,
    ]);
    expect(buildFilter(query({ publishedAfter: 'yesterday" OR "' }), NOW)).toEqual([EXPIRY]);
  });

  it('escapes every string value', () => {
    const hostile = '" OR kind = "x';
    const filter = buildFilter(query({ region: hostile, fields: [hostile, 'ai'], modes: [hostile] }), NOW);
    expect(filter).toEqual([
      EXPIRY,
      'field_codes IN ["\\" OR kind = \\"x", "ai"]',
      'region = "\\" OR kind = \\"x"',
      'modes IN ["\\" OR kind = \\"x"]',
    ]);
    const region = filter[2]!;
    const { value, end } = readQuoted(region, 'region = '.length);
    expect(value).toBe(hostile);
    expect(end).toBe(region.length);
  });

  it('uses the current time for the expiry', () => {
    expect(buildFilter(query(), 42)[0]).toBe('expires_at_ts > 42');
  });
});

describe('Meilisearch engine: settings and mapping', () => {
  it('keeps the settings the issue asks for', () => {
    expect(MEILI_SETTINGS.searchableAttributes).toEqual([
      'title',
      'keywords',
      'field_names',
      'summary',
      'body',
      'organisation_name',
    ]);
    expect(MEILI_SETTINGS.filterableAttributes).toContain('expires_at_ts');
    expect(MEILI_SETTINGS.sortableAttributes).toEqual(['published_at_ts', 'amount_wan']);
    expect(MEILI_SETTINGS.localizedAttributes[0]?.locales).toEqual(['cmn']);
    expect(MEILI_SETTINGS.synonyms.益生菌).toEqual(['乳酸菌']);
    expect(MEILI_SETTINGS.synonyms.乳酸菌).toEqual(['益生菌']);
    expect(MEILI_SETTINGS.synonyms.人工智能).toEqual(['ai']);
  });

  it('stores timestamps as milliseconds next to the ISO strings', () => {
    const stored = toMeiliDocument(sampleDocument());
    expect(stored.published_at).toBe('2026-11-20T02:00:00.000Z');
    expect(stored.published_at_ts).toBe(Date.parse('2026-11-20T02:00:00.000Z'));
    expect(stored.expires_at_ts).toBe(Date.parse('2027-02-20T02:00:00.000Z'));
  });

  it('splits highlighted text into segments and never passes markup', () => {
    const P = HIGHLIGHT_PRE;
    const Q = HIGHLIGHT_POST;
    expect(splitHighlighted(`高蛋白${P}乳清${Q}蛋白粉`)).toEqual([
      ['高蛋白', false],
      ['乳清', true],
      ['蛋白粉', false],
    ]);
    expect(splitHighlighted(`${P}AI${Q}${P}算力${Q}中心`)).toEqual([
      ['AI算力', true],
      ['中心', false],
    ]);
    expect(splitHighlighted('<em>不是标记</em>')).toEqual([['<em>不是标记</em>', false]]);
    expect(splitHighlighted(`${Q}孤立${P}`)).toEqual([['孤立', false]]);
    expect(splitHighlighted('')).toEqual([['', false]]);
  });

  it('maps the facet distribution to the port names', () => {
    expect(
      toFacetCounts({
        kind: { demand: 2 },
        field_codes: { dairy: 3 },
        region: { 托克托县: 1 },
        trl: { '5': 1 },
        modes: { license: 2 },
      }),
    ).toEqual({
      kind: { demand: 2 },
      field: { dairy: 3 },
      region: { 托克托县: 1 },
      trl: { '5': 1 },
      mode: { license: 2 },
    });
    expect(toFacetCounts(undefined)).toEqual({ kind: {}, field: {}, region: {}, trl: {}, mode: {} });
  });

  it('asks for pages, sorts, facets, Chinese and private highlight markers', () => {
    const params = toSearchParams(query({ sort: 'newest', page: 3, perPage: 10, kind: 'demand' }), NOW);
    expect(params).toMatchObject({
      filter: [EXPIRY, 'kind = "demand"'],
      sort: ['published_at_ts:desc'],
      page: 3,
      hitsPerPage: 10,
      locales: ['cmn'],
      highlightPreTag: HIGHLIGHT_PRE,
      highlightPostTag: HIGHLIGHT_POST,
      matchingStrategy: 'all',
    });
    expect(params.facets).toEqual(['kind', 'field_codes', 'region', 'trl', 'modes']);
    expect(toSearchParams(query({ sort: 'budget' }), NOW).sort).toEqual(['amount_wan:desc']);
    expect(toSearchParams(query(), NOW).sort).toBeUndefined();
  });
});

function sampleDocument(overrides: Partial<SearchDocument> = {}): SearchDocument {
  return {
    id: 1,
    kind: 'achievement',
    title: '高蛋白乳清蛋白粉制备技术',
    summary: '膜分离与低温喷雾干燥。',
    keywords: ['蛋白粉'],
    body: '',
    field_codes: ['dairy'],
    field_names: ['乳业及营养健康'],
    region: '和林格尔县',
    trl: 6,
    modes: ['license'],
    amount_wan: 120,
    budget_min_wan: null,
    budget_max_wan: null,
    price_wan: 120,
    price_negotiable: false,
    investment_wan: null,
    first_trial: false,
    type_code: null,
    organisation_name: null,
    published_at: '2026-11-20T02:00:00.000Z',
    expires_at: '2027-02-20T02:00:00.000Z',
    ...overrides,
  };
}

interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

/**
 * FakeMeilisearch: a tiny HTTP server answering the few routes the engine uses, so the engine's own logic
 * (awaiting tasks, failing on failed tasks, the reindex sequence, the search mapping) is checked without a
 * server. The contract suite runs against a real Meilisearch only.
 */
class FakeMeilisearch {
  requests: Recorded[] = [];
  tasks = new Map<number, { type: string; indexUid: string | null }>();
  /** Decides how a task ends: null = succeeded, else the error code and message. */
  outcome: (task: { type: string; indexUid: string | null }) => { code: string; message: string } | null =
    () => null;
  searchResponse: unknown = {};
  numberOfDocuments = 0;
  private server = http.createServer((req, res) => this.handle(req, res));
  private nextUid = 1;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The body of the n-th recorded request. */
  body(n: number): unknown {
    const request = this.requests[n];
    if (!request) throw new Error(`no request #${n}: ${this.requests.length} recorded`);
    return request.body;
  }

  reset() {
    this.requests = [];
    this.tasks.clear();
    this.outcome = () => null;
  }

  private enqueue(res: http.ServerResponse, type: string, indexUid: string | null) {
    const taskUid = this.nextUid++;
    this.tasks.set(taskUid, { type, indexUid });
    this.send(res, 202, {
      taskUid,
      indexUid,
      status: 'enqueued',
      type,
      enqueuedAt: new Date().toISOString(),
    });
  }

  private send(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let data = '';
    req.on('data', (chunk: Buffer) => {
      data += chunk.toString();
    });
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const body: unknown = data ? JSON.parse(data) : undefined;
      const task = /^\/tasks\/(\d+)$/.exec(path);
      if (task) {
        const uid = Number(task[1]);
        const known = this.tasks.get(uid);
        if (!known) return this.send(res, 404, { message: 'task not found', code: 'task_not_found' });
        const error = this.outcome(known);
        return this.send(res, 200, {
          uid,
          ...known,
          status: error ? 'failed' : 'succeeded',
          error: error ? { ...error, type: 'invalid_request', link: '' } : null,
        });
      }
      this.requests.push({ method, path, body });
      const index = /^\/indexes\/([^/]+)(\/.*)?$/.exec(path);
      if (method === 'POST' && path === '/indexes') {
        return this.enqueue(res, 'indexCreation', (body as { uid: string }).uid);
      }
      if (method === 'POST' && path === '/swap-indexes') return this.enqueue(res, 'indexSwap', null);
      if (index) {
        const [, uid, rest] = index;
        if (method === 'DELETE' && !rest) return this.enqueue(res, 'indexDeletion', uid ?? null);
        if (method === 'PATCH' && rest === '/settings')
          return this.enqueue(res, 'settingsUpdate', uid ?? null);
        if (method === 'POST' && rest === '/documents') {
          return this.enqueue(res, 'documentAdditionOrUpdate', uid ?? null);
        }
        if (method === 'POST' && rest === '/documents/delete-batch') {
          return this.enqueue(res, 'documentDeletion', uid ?? null);
        }
        if (method === 'GET' && rest === '/stats') {
          return this.send(res, 200, { numberOfDocuments: this.numberOfDocuments, isIndexing: false });
        }
        if (method === 'POST' && rest === '/search') return this.send(res, 200, this.searchResponse);
      }
      return this.send(res, 404, { message: `no route ${method} ${path}`, code: 'not_found' });
    });
  }
}

describe('Meilisearch engine against FakeMeilisearch', () => {
  const fake = new FakeMeilisearch();
  let url = '';
  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  const engine = () =>
    createMeilisearchEngine({ url, apiKey: 'key', indexUid: 'listings', taskTimeoutMs: 2000 });
  const calls = () => fake.requests.map((r) => `${r.method} ${r.path}`);

  it('sets up an index that already exists (idempotent) and applies the settings', async () => {
    fake.outcome = (t) =>
      t.type === 'indexCreation'
        ? { code: 'index_already_exists', message: 'Index `listings` already exists.' }
        : null;
    await engine().setup();
    expect(calls()).toEqual(['POST /indexes', 'PATCH /indexes/listings/settings']);
    expect(fake.body(0)).toEqual({ uid: 'listings', primaryKey: 'id' });
    expect(fake.body(1)).toEqual(JSON.parse(JSON.stringify(MEILI_SETTINGS)));
  });

  it('sends full documents with timestamps and resolves once the task succeeded', async () => {
    await engine().upsert([sampleDocument()]);
    expect(calls()).toEqual(['POST /indexes/listings/documents']);
    const [sent] = fake.body(0) as Record<string, unknown>[];
    expect(sent).toMatchObject({ id: 1, published_at_ts: Date.parse('2026-11-20T02:00:00.000Z') });
  });

  it('treats a failed task as a failure, with the task error message', async () => {
    fake.outcome = () => ({ code: 'invalid_document_id', message: 'Document identifier `x` is invalid.' });
    await expect(engine().upsert([sampleDocument()])).rejects.toThrow(
      /failed: Document identifier `x` is invalid/,
    );
    await expect(engine().delete([1])).rejects.toThrow(/invalid/);
    fake.outcome = (t) =>
      t.type === 'indexCreation' ? { code: 'invalid_api_key', message: 'bad key' } : null;
    await expect(engine().setup()).rejects.toThrow(/bad key/);
  });

  it('sends nothing for empty upserts and deletes', async () => {
    await engine().upsert([]);
    await engine().delete([]);
    expect(calls()).toEqual([]);
  });

  it('reindexes into a new index, then swaps and deletes the old one', async () => {
    fake.numberOfDocuments = 3;
    async function* batches() {
      yield [sampleDocument({ id: 1 }), sampleDocument({ id: 2 })];
      yield [sampleDocument({ id: 3 })];
    }
    fake.outcome = (t) =>
      t.type === 'indexCreation' && t.indexUid === 'listings'
        ? { code: 'index_already_exists', message: '' }
        : null;
    const result = await engine().reindex(batches());
    expect(result).toEqual({ count: 3 });
    const next = (fake.body(0) as { uid: string }).uid;
    expect(next).toMatch(/^listings_new_\d+$/);
    expect(calls()).toEqual([
      'POST /indexes',
      `PATCH /indexes/${next}/settings`,
      `POST /indexes/${next}/documents`,
      `POST /indexes/${next}/documents`,
      'POST /indexes',
      'POST /swap-indexes',
      `DELETE /indexes/${next}`,
      'GET /indexes/listings/stats',
    ]);
    expect(fake.body(5)).toEqual([{ indexes: ['listings', next], rename: false }]);
  });

  it('keeps the live index when a reindex fails, and removes the half-built one', async () => {
    fake.outcome = (t) =>
      t.type === 'documentAdditionOrUpdate' ? { code: 'internal', message: 'disk full' } : null;
    async function* batches() {
      yield [sampleDocument()];
    }
    await expect(engine().reindex(batches())).rejects.toThrow(/disk full/);
    const next = (fake.body(0) as { uid: string }).uid;
    expect(calls()).not.toContain('POST /swap-indexes');
    expect(calls().at(-1)).toBe(`DELETE /indexes/${next}`);
  });

  it('maps a search response to the port', async () => {
    fake.searchResponse = {
      hits: [
        {
          ...sampleDocument(),
          _formatted: {
            title: `高蛋白${HIGHLIGHT_PRE}乳清${HIGHLIGHT_POST}蛋白粉制备技术`,
            summary: '膜分离…',
          },
        },
      ],
      query: '乳清',
      processingTimeMs: 7,
      hitsPerPage: 20,
      page: 1,
      totalPages: 1,
      totalHits: 1,
      facetDistribution: { kind: { achievement: 1 }, field_codes: { dairy: 1 }, trl: { '6': 1 } },
    };
    const result = await engine().search(query({ q: '  乳清  ', fields: ['dairy'] }));
    expect(result.total).toBe(1);
    expect(result.tookMs).toBe(7);
    expect(result.facets).toEqual({
      kind: { achievement: 1 },
      field: { dairy: 1 },
      region: {},
      trl: { '6': 1 },
      mode: {},
    });
    expect(result.hits[0]?.highlight.title).toEqual([
      ['高蛋白', false],
      ['乳清', true],
      ['蛋白粉制备技术', false],
    ]);
    expect(result.hits[0]?.highlight.summary).toEqual([['膜分离…', false]]);
    const sent = fake.body(0) as Record<string, unknown>;
    expect(sent.q).toBe('乳清');
    expect(sent.locales).toEqual(['cmn']);
    expect((sent.filter as string[])[0]).toMatch(/^expires_at_ts > \d+$/);
    expect((sent.filter as string[])[1]).toBe('field_codes IN ["dairy"]');
  });

  it('sends a placeholder search for an empty query and cuts long queries', async () => {
    fake.searchResponse = {
      hits: [],
      query: '',
      processingTimeMs: 1,
      totalHits: 0,
      page: 1,
      hitsPerPage: 20,
    };
    await engine().search(query({ q: '   ' }));
    await engine().search(query({ q: 'x'.repeat(500) }));
    expect((fake.body(0) as { q: unknown }).q).toBeNull();
    expect((fake.body(1) as { q: string }).q).toHaveLength(200);
  });

  it('counts the documents from the index stats', async () => {
    fake.numberOfDocuments = 42;
    expect(await engine().count()).toBe(42);
  });
});
