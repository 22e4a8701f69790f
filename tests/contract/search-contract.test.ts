/**
 * The search contract: every case runs against every engine. The embedded PostgreSQL engine always;
 * Meilisearch when MEILI_URL is set (a real server, never a fake):
 *   MEILI_URL=http://127.0.0.1:7700 MEILI_API_KEY=… npx vitest run --project contract
 * Each engine gets an empty migrated database (the Meilisearch engine a fresh index) filled with the
 * documents below; expected results are computed from those documents, not written by hand where a rule can
 * say it.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { sql } from 'kysely';
import { Meilisearch } from 'meilisearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { allDocuments } from '../../search/documents.ts';
import type {
  FacetCounts,
  SearchDocument,
  SearchEngine,
  SearchQuery,
  SearchResult,
} from '../../search/engine.ts';
import { createMeilisearchEngine } from '../../search/meilisearch.ts';
import { ANY_RANK_WINDOW, createPostgresEngine } from '../../search/postgres.ts';
import { createTestDb } from '../support/db.ts';

const jieba = Jieba.withDict(dict);
const DAY = 86_400_000;
const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

const FIELD_NAMES: Record<string, string> = {
  dairy: '乳业及营养健康',
  probiotics: '益生菌',
  'agri-food': '绿色农畜产品加工',
  'modern-agriculture': '现代农业',
  'new-energy': '新能源',
  'energy-storage': '新型储能',
  hydrogen: '氢能',
  'new-materials': '新材料',
  'computing-hardware': '国产智算硬件',
  ai: '人工智能',
};

/** A document with defaults: published `id` days ago (distinct dates), live for 90 more days. */
function doc(
  overrides: Partial<SearchDocument> & Pick<SearchDocument, 'id' | 'kind' | 'title'>,
): SearchDocument {
  const base: SearchDocument = {
    id: overrides.id,
    kind: overrides.kind,
    title: overrides.title,
    summary: '',
    keywords: [],
    body: '',
    field_codes: [],
    field_names: [],
    region: '和林格尔县',
    trl: null,
    modes: [],
    amount_wan: null,
    budget_min_wan: null,
    budget_max_wan: null,
    price_wan: null,
    price_negotiable: false,
    investment_wan: null,
    first_trial: false,
    type_code: null,
    organisation_name: '和林格尔县示例企业',
    published_at: iso(NOW - overrides.id * DAY),
    expires_at: iso(NOW + 90 * DAY),
  };
  const merged = { ...base, ...overrides };
  merged.field_names = overrides.field_names ?? merged.field_codes.map((code) => FIELD_NAMES[code] ?? code);
  // The amount used by budget filters and sorting, as documents.ts derives it.
  merged.amount_wan =
    overrides.amount_wan ??
    (merged.kind === 'demand'
      ? (merged.budget_max_wan ?? merged.budget_min_wan)
      : merged.kind === 'achievement'
        ? merged.price_wan
        : merged.investment_wan);
  return merged;
}

const CONFIDENTIAL_ID = 9;
const EXPIRED_ID = 10;
/** A word only the (never indexed) detail of the confidential listing contains. */
const CONFIDENTIAL_DETAIL_WORD = '花青素';

const DOCS: SearchDocument[] = [
  doc({
    id: 1,
    kind: 'achievement',
    title: '高蛋白乳清蛋白粉膜分离制备技术',
    summary: '采用陶瓷膜分离与低温喷雾干燥，蛋白含量稳定在百分之八十以上。',
    keywords: ['蛋白粉', '膜分离'],
    body: '工艺包括超滤浓缩、离子交换脱盐和喷雾干燥，适用于年产千吨级产线。',
    field_codes: ['dairy'],
    trl: 6,
    modes: ['transfer', 'license'],
    price_wan: 120,
  }),
  doc({
    id: 2,
    kind: 'demand',
    title: '羊乳粉婴幼儿配方工艺升级',
    summary: '现有产品溶解性差，需要改进喷雾干燥和配方工艺。',
    field_codes: ['dairy'],
    modes: ['joint_development', 'commissioned'],
    budget_min_wan: 50,
    budget_max_wan: 200,
  }),
  doc({
    id: 3,
    kind: 'achievement',
    title: '益生菌发酵乳制品菌种筛选平台',
    summary: '从草原传统奶制品中分离菌株，建立高通量筛选与发酵性能评价方法。',
    field_codes: ['probiotics', 'dairy'],
    region: '托克托县',
    trl: 4,
    modes: ['license', 'equity'],
    price_wan: 300,
  }),
  doc({
    id: 4,
    kind: 'demand',
    title: '益生菌冻干粉稳定性检测',
    summary: '需要第三方检测机构评估冻干粉在常温下的活菌数变化。',
    field_codes: ['probiotics'],
    region: '呼和浩特市',
    modes: ['service'],
    budget_min_wan: 10,
    budget_max_wan: 30,
  }),
  doc({
    id: 5,
    kind: 'scenario',
    title: '玉米秸秆发酵饲料规模化应用场景',
    summary: '牧场年需青贮与发酵饲料十万吨，开放示范基地。',
    field_codes: ['agri-food', 'modern-agriculture'],
    modes: ['commissioned'],
    investment_wan: 800,
  }),
  doc({
    id: 6,
    kind: 'achievement',
    title: '面向AI算力中心的浸没式液冷散热方案',
    summary: '单机柜功率密度提升至五十千瓦，PUE降至1.15以下。',
    field_codes: ['computing-hardware', 'ai'],
    trl: 7,
    modes: ['transfer', 'equity'],
    price_wan: 1500,
  }),
  doc({
    id: 7,
    kind: 'scenario',
    title: '绿氢 hydrogen 制备与储能一体化示范项目',
    summary: '利用风光弃电电解水制氢，配套储氢与调峰设施。',
    field_codes: ['hydrogen', 'energy-storage'],
    region: '托克托县',
    modes: ['joint_development'],
    investment_wan: 5000,
  }),
  doc({
    id: 8,
    kind: 'achievement',
    title: '钙钛矿 perovskite 叠层光伏组件中试',
    summary: '实验室转换效率达百分之二十八，寻求中试线合作。',
    field_codes: ['new-energy', 'new-materials'],
    region: '呼和浩特市',
    trl: 5,
    modes: ['license', 'joint_development'],
    price_wan: 900,
  }),
  doc({
    // Confidential: documents.ts leaves body and organisation empty; its detail mentions 花青素.
    id: CONFIDENTIAL_ID,
    kind: 'demand',
    title: '乳品企业配方改良需求',
    summary: '对现有产品配方进行口感优化。',
    body: '',
    organisation_name: null,
    field_codes: ['dairy'],
    modes: ['consulting'],
  }),
  doc({
    id: EXPIRED_ID,
    kind: 'achievement',
    title: '沙棘原浆饮料保鲜技术',
    summary: '低温灭菌保持沙棘原浆风味。',
    field_codes: ['agri-food'],
    trl: 8,
    modes: ['transfer'],
    price_wan: 60,
    expires_at: iso(NOW - DAY),
  }),
  doc({
    id: 11,
    kind: 'scenario',
    title: '草原牧区光伏储能微电网',
    summary: '为分散牧户提供离网供电，含电池与能量管理系统。',
    field_codes: ['new-energy', 'energy-storage'],
    region: '呼和浩特市',
    modes: ['joint_development', 'service'],
    investment_wan: 1200,
  }),
  doc({
    id: 12,
    kind: 'demand',
    title: 'AI视觉识别羊只计数系统',
    summary: '牧场需要基于摄像头的自动盘点，误差低于百分之二。',
    field_codes: ['ai'],
    region: '托克托县',
    modes: ['commissioned'],
    budget_min_wan: 20,
    budget_max_wan: 80,
  }),
];

const LIVE = DOCS.filter((d) => Date.parse(d.expires_at) > NOW);

function query(overrides: Partial<SearchQuery> = {}): SearchQuery {
  return { q: '', sort: 'relevance', page: 1, perPage: 50, ...overrides };
}

const ids = (result: SearchResult) => result.hits.map((h) => h.id);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const idsWhere = (predicate: (d: SearchDocument) => boolean) =>
  sorted(LIVE.filter(predicate).map((d) => d.id));

function countFacets(docs: SearchDocument[]): FacetCounts {
  const facets: FacetCounts = { kind: {}, field: {}, region: {}, trl: {}, mode: {} };
  const add = (facet: Record<string, number>, key: string) => {
    facet[key] = (facet[key] ?? 0) + 1;
  };
  for (const d of docs) {
    add(facets.kind, d.kind);
    for (const f of d.field_codes) add(facets.field, f);
    add(facets.region, d.region);
    if (d.trl !== null) add(facets.trl, String(d.trl));
    for (const m of d.modes) add(facets.mode, m);
  }
  return facets;
}

/** The text a person could have typed to find a document (public fields only). */
const publicText = (d: SearchDocument) =>
  [d.title, d.summary, d.keywords.join(' '), d.body, d.field_names.join(' ')].join(' ').toLowerCase();

interface EngineUnderTest {
  name: string;
  skip: boolean;
  create(handle: DbHandle, suffix: string): SearchEngine;
  cleanup(suffix: string): Promise<void>;
}

const meiliUrl = process.env.MEILI_URL;
const meiliApiKey = process.env.MEILI_API_KEY;
const runTag = `${process.pid}_${NOW}`;
const meiliIndex = (suffix: string) => `contract_${runTag}_${suffix}`;

const ENGINES: EngineUnderTest[] = [
  {
    name: 'postgres',
    skip: false,
    create: (handle) => createPostgresEngine(handle.db),
    cleanup: async () => {},
  },
  {
    name: 'meilisearch',
    skip: !meiliUrl,
    create: (_handle, suffix) =>
      createMeilisearchEngine({ url: meiliUrl ?? '', apiKey: meiliApiKey, indexUid: meiliIndex(suffix) }),
    cleanup: async (suffix) => {
      const client = new Meilisearch({ host: meiliUrl ?? '', apiKey: meiliApiKey });
      const enqueued = await client.deleteIndex(meiliIndex(suffix));
      await client.tasks.waitForTask(enqueued, { timeout: 30_000 });
    },
  },
];

for (const subject of ENGINES) {
  describe.skipIf(subject.skip)(`search contract: ${subject.name}`, () => {
    let handle: DbHandle;
    let engine: SearchEngine;
    const search = (overrides: Partial<SearchQuery>) => engine.search(query(overrides));

    beforeAll(async () => {
      handle = await createTestDb();
      engine = subject.create(handle, 'fixed');
      await engine.setup();
      await engine.setup(); // idempotent
      await engine.upsert(DOCS);
    });
    afterAll(async () => {
      await subject.cleanup('fixed');
      await handle?.close();
    });

    it('counts every document it holds', async () => {
      expect(await engine.count()).toBe(DOCS.length);
    });

    describe('Chinese', () => {
      it('finds a word inside a longer word: 乳清 in 乳清蛋白粉', async () => {
        const found = ids(await search({ q: '乳清' }));
        expect(found).toContain(1);
        expect(found).not.toContain(2);
      });

      it('finds 羊乳 inside 羊乳粉 (jieba cuts 羊/乳粉)', async () => {
        const found = ids(await search({ q: '羊乳' }));
        expect(found).toContain(2);
        expect(found).not.toContain(12);
      });

      it('reads a query without spaces as all of its words: 益生菌发酵 = 益生菌 AND 发酵', async () => {
        const found = ids(await search({ q: '益生菌发酵' }));
        expect(found).toContain(3);
        expect(found).not.toContain(4); // 益生菌 only
        expect(found).not.toContain(5); // 发酵 only
      });

      it('mixes Chinese and English: AI算力', async () => {
        const found = ids(await search({ q: 'AI算力' }));
        expect(found).toContain(6);
        expect(found).not.toContain(12); // AI only
      });

      it('mixes English and Chinese: hydrogen储能', async () => {
        const found = ids(await search({ q: 'hydrogen储能' }));
        expect(found).toContain(7);
        expect(found).not.toContain(11); // 储能 only
      });

      it('finds words in the field names and the public detail', async () => {
        expect(ids(await search({ q: '智算硬件' }))).toContain(6);
        expect(ids(await search({ q: '离子交换' }))).toContain(1);
      });
    });

    describe('English typos', () => {
      it('hydrogn finds hydrogen', async () => {
        expect(ids(await search({ q: 'hydrogn' }))).toContain(7);
      });

      it('perovskte finds perovskite', async () => {
        expect(ids(await search({ q: 'perovskte' }))).toContain(8);
      });

      it('matches the last word as a prefix while typing', async () => {
        expect(ids(await search({ q: 'perovs', prefix: true }))).toContain(8);
      });
    });

    describe('filters', () => {
      const cases: [string, Partial<SearchQuery>, (d: SearchDocument) => boolean][] = [
        ['kind', { kind: 'scenario' }, (d) => d.kind === 'scenario'],
        [
          'fields (any of them)',
          { fields: ['probiotics', 'hydrogen'] },
          (d) => d.field_codes.includes('probiotics') || d.field_codes.includes('hydrogen'),
        ],
        ['region', { region: '托克托县' }, (d) => d.region === '托克托县'],
        ['one mode', { modes: ['equity'] }, (d) => d.modes.includes('equity')],
        [
          'modes (any of them)',
          { modes: ['equity', 'service'] },
          (d) => d.modes.includes('equity') || d.modes.includes('service'),
        ],
        ['TRL range', { trlMin: 5, trlMax: 7 }, (d) => d.trl !== null && d.trl >= 5 && d.trl <= 7],
        ['TRL minimum', { trlMin: 6 }, (d) => d.trl !== null && d.trl >= 6],
        [
          'budget range on amount_wan',
          { budgetMin: 100, budgetMax: 1000 },
          (d) => d.amount_wan !== null && d.amount_wan >= 100 && d.amount_wan <= 1000,
        ],
        ['budget maximum', { budgetMax: 100 }, (d) => d.amount_wan !== null && d.amount_wan <= 100],
        [
          'published after',
          { publishedAfter: iso(NOW - 5.5 * DAY) },
          (d) => Date.parse(d.published_at) >= NOW - 5.5 * DAY,
        ],
        [
          'several filters together',
          { kind: 'achievement', fields: ['dairy', 'new-energy'], trlMin: 5 },
          (d) =>
            d.kind === 'achievement' &&
            (d.field_codes.includes('dairy') || d.field_codes.includes('new-energy')) &&
            d.trl !== null &&
            d.trl >= 5,
        ],
      ];

      for (const [name, filter, predicate] of cases) {
        it(`filters by ${name}`, async () => {
          const expected = idsWhere(predicate);
          expect(expected.length).toBeGreaterThan(0); // the case means something
          const result = await search(filter);
          expect(sorted(ids(result))).toEqual(expected);
          expect(result.total).toBe(expected.length);
        });
      }

      it('combines a query with a filter', async () => {
        const result = await search({ q: '益生菌', kind: 'achievement' });
        expect(ids(result)).toEqual([3]);
      });

      it('keeps operators and quotes inside filter values as values (no injected filter)', async () => {
        const hostile = [
          '" OR kind = "demand',
          'dairy" OR field_codes = "ai',
          '\\" OR trl > 0 OR "',
          "x' OR '1'='1",
        ];
        for (const value of hostile) {
          const result = await search({ region: value, fields: [value], modes: [value] });
          expect(result.total).toBe(0);
          expect(result.hits).toEqual([]);
        }
      });
    });

    describe('sorting and pages', () => {
      it('sorts by newest first', async () => {
        const expected = [...LIVE]
          .sort((a, b) => Date.parse(b.published_at) - Date.parse(a.published_at))
          .map((d) => d.id);
        expect(ids(await search({ sort: 'newest' }))).toEqual(expected);
      });

      it('sorts by budget, largest first, documents without an amount last', async () => {
        const withAmount = LIVE.filter((d) => d.amount_wan !== null);
        const expected = [...withAmount].sort((a, b) => b.amount_wan! - a.amount_wan!).map((d) => d.id);
        const found = ids(await search({ sort: 'budget' }));
        expect(found.slice(0, expected.length)).toEqual(expected);
        expect(sorted(found.slice(expected.length))).toEqual(idsWhere((d) => d.amount_wan === null));
      });

      it('sorts the hits of a query too', async () => {
        const found = ids(await search({ q: '益生菌', sort: 'newest' }));
        expect(found).toEqual([3, 4]);
      });

      it('pages through the results without overlap', async () => {
        const newest = ids(await search({ sort: 'newest' }));
        const page2 = await search({ sort: 'newest', page: 2, perPage: 4 });
        expect(ids(page2)).toEqual(newest.slice(4, 8));
        expect(page2.total).toBe(LIVE.length);
      });

      it('gives no hits but the right total for a page beyond the end', async () => {
        const result = await search({ sort: 'newest', page: 50, perPage: 10 });
        expect(result.hits).toEqual([]);
        expect(result.total).toBe(LIVE.length);
      });
    });

    describe("match 'any' (recommendations) and facets: false", () => {
      const holdsAny = (id: number, words: string[]) =>
        words.some((w) => publicText(DOCS.find((d) => d.id === id)!).includes(w));

      it('finds a document holding only some of the words, where match all finds none', async () => {
        // 钙钛矿 only in 8, 发酵 in 3 and 5: Meilisearch drops the more frequent word first (frequency), the
        // embedded engine finds either word (OR); both find 8.
        expect(ids(await search({ q: '钙钛矿 发酵' }))).toEqual([]);
        const any = await search({ q: '钙钛矿 发酵', match: 'any' });
        expect(ids(any)).toContain(8);
        for (const id of ids(any)) expect(holdsAny(id, ['钙钛矿', '发酵'])).toBe(true);
        expect(any.total).toBe(any.hits.length);
      });

      it('ranks the document holding every word first and finds documents holding one of them', async () => {
        const result = await search({ q: '益生菌 发酵', match: 'any' });
        expect(ids(result)[0]).toBe(3);
        expect(result.hits.length).toBeGreaterThanOrEqual(2);
        for (const id of ids(result)) expect(holdsAny(id, ['益生菌', '发酵'])).toBe(true);
      });

      it('keeps the words of one Chinese run together (乳清蛋白 = 乳清 AND 蛋白)', async () => {
        expect(sorted(ids(await search({ q: '乳清蛋白', match: 'any' })))).toEqual(
          sorted(ids(await search({ q: '乳清蛋白' }))),
        );
      });

      it('combines with filters as match all does', async () => {
        const result = await search({ q: '益生菌 发酵', match: 'any', kind: 'achievement' });
        expect(ids(result)).toContain(3);
        for (const hit of result.hits) expect(hit.kind).toBe('achievement');
      });

      it('leaves the facets empty when asked, with the same hits and total', async () => {
        const withFacets = await search({ q: '益生菌', sort: 'newest' });
        const without = await search({ q: '益生菌', sort: 'newest', facets: false });
        expect(ids(without)).toEqual(ids(withFacets));
        expect(without.total).toBe(withFacets.total);
        expect(without.facets).toEqual({ kind: {}, field: {}, region: {}, trl: {}, mode: {} });
      });
    });

    describe('facets', () => {
      it('counts kind, field, region, TRL and mode over every live document', async () => {
        const result = await search({});
        expect(result.total).toBe(LIVE.length);
        expect(result.facets).toEqual(countFacets(LIVE));
      });

      it('counts the other facets over the filtered documents', async () => {
        const result = await search({ kind: 'achievement' });
        const expected = countFacets(LIVE.filter((d) => d.kind === 'achievement'));
        expect(result.facets.field).toEqual(expected.field);
        expect(result.facets.region).toEqual(expected.region);
        expect(result.facets.trl).toEqual(expected.trl);
        expect(result.facets.mode).toEqual(expected.mode);
      });

      it('counts the facets of a query', async () => {
        const result = await search({ q: '益生菌' });
        expect(sorted(ids(result))).toEqual([3, 4]);
        expect(result.facets).toEqual(countFacets(LIVE.filter((d) => d.id === 3 || d.id === 4)));
      });
    });

    describe('what is never found', () => {
      it('never finds an expired document', async () => {
        expect(ids(await search({ q: '沙棘' }))).not.toContain(EXPIRED_ID);
        expect(ids(await search({ kind: 'achievement' }))).not.toContain(EXPIRED_ID);
        expect(ids(await search({ q: '沙棘原浆饮料保鲜技术' }))).toEqual([]);
      });

      it('never finds a confidential listing by a word of its detail', async () => {
        expect(ids(await search({ q: '配方改良' }))).toContain(CONFIDENTIAL_ID); // it is indexed
        const result = await search({ q: CONFIDENTIAL_DETAIL_WORD });
        expect(result.hits).toEqual([]);
        expect(result.total).toBe(0);
      });
    });

    describe('highlighting', () => {
      it('marks the matched word in the title as segments, never HTML', async () => {
        const result = await search({ q: '乳清' });
        const hit = result.hits.find((h) => h.id === 1);
        expect(hit).toBeDefined();
        const title = hit!.highlight.title;
        expect(title.map(([text]) => text).join('')).toBe(hit!.title);
        expect(title.some(([text, matched]) => matched && text.includes('乳清'))).toBe(true);
        expect(title.some(([text]) => /<\/?(mark|em)>/.test(text))).toBe(false);
      });

      it('marks an English word in the title', async () => {
        const result = await search({ q: 'perovskite' });
        const hit = result.hits.find((h) => h.id === 8);
        expect(hit?.highlight.title.some(([text, matched]) => matched && /perovskite/i.test(text))).toBe(
          true,
        );
      });

      it('marks the matched word in the summary', async () => {
        const result = await search({ q: '菌株' });
        const hit = result.hits.find((h) => h.id === 3);
        expect(hit?.highlight.summary.some(([text, matched]) => matched && text.includes('菌株'))).toBe(true);
        expect(hit?.highlight.title.every(([, matched]) => !matched)).toBe(true);
      });
    });

    describe('hostile queries', () => {
      const sqlText =
        "'; DROP TABLE search_document; -- \" OR 1=1; SELECT * FROM app_user WHERE email LIKE '%' " +
        "UNION SELECT password_hash, null FROM app_user; /* */ EXEC xp_cmdshell('dir'); ";
      const queries = [
        '"',
        "'",
        '\\',
        '&|!():*',
        '乳清 & | ! ( ) : * <-> \'"',
        ':*',
        '!!!',
        '()',
        '"乳清',
        `-${'a'.repeat(250)}`,
        sqlText.repeat(3).slice(0, 300),
      ];
      for (const q of queries) {
        it(`returns a normal result for ${JSON.stringify(q.slice(0, 30))}`, async () => {
          const result = await search({ q });
          expect(Array.isArray(result.hits)).toBe(true);
          expect(Number.isInteger(result.total)).toBe(true);
          expect(result.total).toBeGreaterThanOrEqual(result.hits.length);
        });
      }

      it('still holds every document afterwards', async () => {
        expect(await engine.count()).toBe(DOCS.length);
      });
    });

    describe('changes', () => {
      it('replaces a document completely on upsert', async () => {
        const original = doc({
          id: 21,
          kind: 'demand',
          title: '马铃薯淀粉废水处理',
          field_codes: ['agri-food'],
        });
        await engine.upsert([original]);
        expect(ids(await search({ q: '马铃薯' }))).toContain(21);
        await engine.upsert([{ ...original, title: '燕麦葡聚糖提取工艺', field_codes: ['future-food'] }]);
        expect(ids(await search({ q: '马铃薯' }))).not.toContain(21);
        expect(ids(await search({ q: '燕麦' }))).toContain(21);
        expect(ids(await search({ fields: ['agri-food'] }))).not.toContain(21);
        await engine.delete([21]);
      });

      it('deletes documents: they disappear from results and from the count', async () => {
        await engine.upsert([doc({ id: 20, kind: 'achievement', title: '再制奶酪 cheddar 工艺', trl: 3 })]);
        expect(ids(await search({ q: '奶酪' }))).toEqual([20]);
        expect(await engine.count()).toBe(DOCS.length + 1);
        await engine.delete([20]);
        expect(ids(await search({ q: '奶酪' }))).toEqual([]);
        expect(ids(await search({ q: 'cheddar' }))).toEqual([]);
        expect(await engine.count()).toBe(DOCS.length);
        await engine.delete([20, 999_999]); // unknown ids are fine
      });

      it('reindex replaces the whole set and count() matches', async () => {
        const fresh = [
          doc({ id: 101, kind: 'demand', title: '牛羊肉冷链追溯系统', field_codes: ['agri-food'] }),
          doc({ id: 102, kind: 'achievement', title: '低空无人机植保作业平台', trl: 6, price_wan: 90 }),
          doc({ id: 103, kind: 'scenario', title: '数据中心余热供暖示范', investment_wan: 300 }),
        ];
        async function* batches() {
          yield fresh.slice(0, 2);
          yield fresh.slice(2);
        }
        const { count } = await engine.reindex(batches());
        expect(count).toBe(fresh.length);
        expect(await engine.count()).toBe(fresh.length);
        expect(ids(await search({ q: '乳清' }))).toEqual([]);
        expect(ids(await search({ q: '冷链' }))).toEqual([101]);
        const all = await search({ sort: 'newest' });
        expect(ids(all)).toEqual([101, 102, 103]);
        expect(all.facets.kind).toEqual({ demand: 1, achievement: 1, scenario: 1 });
      });
    });
  });

  describe.skipIf(subject.skip)(`search contract on the demo data: ${subject.name}`, () => {
    let handle: DbHandle;
    let engine: SearchEngine;
    let docs: SearchDocument[] = [];

    beforeAll(async () => {
      handle = await createTestDb({ seeded: true });
      engine = subject.create(handle, 'demo');
      await engine.setup();
      const collected: SearchDocument[] = [];
      async function* batches() {
        for await (const batch of allDocuments(handle.db, 50)) {
          collected.push(...batch);
          yield batch;
        }
      }
      await engine.reindex(batches());
      docs = collected;
    });
    afterAll(async () => {
      await subject.cleanup('demo');
      await handle?.close();
    });

    const search = (overrides: Partial<SearchQuery>) => engine.search(query({ perPage: 100, ...overrides }));

    it('indexes every live listing, and its facets match a count done in SQL', async () => {
      const live = await sql<{ kind: string; n: number }>`
        select kind, count(*)::int as n from listing
        where status = 'published' and expires_at > now() group by kind`.execute(handle.db);
      const byKind = Object.fromEntries(live.rows.map((r) => [r.kind, r.n]));
      const total = live.rows.reduce((sum, r) => sum + r.n, 0);
      expect(total).toBeGreaterThan(0);
      expect(await engine.count()).toBe(total);
      const result = await search({});
      expect(result.total).toBe(total);
      expect(result.facets.kind).toEqual(byKind);

      const fields = await sql<{ code: string; n: number }>`
        select f.code, count(*)::int as n from listing l
        join listing_field lf on lf.listing_id = l.id join field f on f.id = lf.field_id
        where l.status = 'published' and l.expires_at > now() group by f.code`.execute(handle.db);
      expect(result.facets.field).toEqual(Object.fromEntries(fields.rows.map((r) => [r.code, r.n])));
    });

    for (const [q, words] of [
      ['乳清', ['乳清']],
      ['益生菌发酵', ['益生菌', '发酵']],
    ] as const) {
      it(`finds every listing whose public text holds ${q}`, async () => {
        const expected = sorted(
          docs.filter((d) => words.every((w) => publicText(d).includes(w))).map((d) => d.id),
        );
        expect(expected.length).toBeGreaterThan(0);
        const found = ids(await search({ q }));
        for (const id of expected) expect(found).toContain(id);
      });
    }

    it('finds by hydrogn every listing whose public text holds hydrogen', async () => {
      const expected = docs.filter((d) => publicText(d).includes('hydrogen')).map((d) => d.id);
      expect(expected.length).toBeGreaterThan(0);
      const found = ids(await search({ q: 'hydrogn' }));
      for (const id of expected) expect(found).toContain(id);
    });

    it('never finds a confidential listing by words only its detail holds', async () => {
      const rows = await handle.db
        .selectFrom('listing')
        .select(['id', 'detail'])
        .where('status', '=', 'published')
        .where('confidentiality', '!=', 'public')
        .where('expires_at', '>', new Date())
        .execute();
      const indexed = docs.map((d) => `${publicText(d)} ${d.organisation_name ?? ''}`).join('\n');
      let checked = 0;
      for (const row of rows) {
        // Chinese words (jieba) of the detail that no indexed text contains.
        const secret = new Set(
          jieba
            .cut(row.detail, false)
            .filter((w) => /^\p{Script=Han}{2,4}$/u.test(w) && !indexed.includes(w))
            .slice(0, 3),
        );
        for (const word of secret) {
          expect(ids(await search({ q: word }))).not.toContain(row.id);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  });
}

describe("the embedded engine ranks the newest ANY_RANK_WINDOW matches of match 'any'", () => {
  let handle: DbHandle;
  let engine: SearchEngine;
  const count = ANY_RANK_WINDOW + 30;
  // Ids 1001…: the larger the id, the older. Every document holds 膜分离 in its summary; 1010 (inside the
  // window) and the oldest one (outside it) hold it in the title too.
  const oldest = 1000 + count;
  beforeAll(async () => {
    handle = await createTestDb();
    engine = createPostgresEngine(handle.db);
    const many = Array.from({ length: count }, (_, i) => {
      const id = 1001 + i;
      return doc({
        id,
        kind: 'demand',
        title: id === 1010 || id === oldest ? `膜分离浓缩需求${id}` : `浓缩工艺需求${id}`,
        summary: '现有膜分离工艺能耗偏高。',
        published_at: iso(NOW - (id - 1000) * 60_000),
      });
    });
    await engine.upsert(many);
  });
  afterAll(() => handle?.close());

  it('ranks inside the window, then lists the older matches newest first, every match once', async () => {
    const q = { q: '膜分离 钙钛矿', match: 'any' as const, perPage: 50 };
    const first = await engine.search(query({ ...q, page: 1 }));
    expect(first.total).toBe(count);
    expect(first.hits[0]?.id).toBe(1010);
    const seen: number[] = [];
    for (let page = 1; page <= Math.ceil(count / 50); page++) {
      seen.push(...ids(await engine.search(query({ ...q, page }))));
    }
    expect(sorted(seen)).toEqual(Array.from({ length: count }, (_, i) => 1001 + i));
    // Past the window: newest first, whatever the rank (the oldest one comes last despite its title).
    expect(seen.slice(ANY_RANK_WINDOW)).toEqual(
      Array.from({ length: 30 }, (_, i) => 1001 + ANY_RANK_WINDOW + i),
    );
  });
});
