import type { LoaderFunctionArgs } from '@remix-run/node';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addEntries,
  addErratum,
  createEdition,
  loadPublishedEdition,
  publishEdition,
  updateEntry,
} from '../../app/features/editions/editions.server.ts';
import { editionRows } from '../../app/features/editions/export.server.ts';
import { editionMetaSchema, groupEntries } from '../../app/features/editions/rules.ts';
import { transitionListing } from '../../app/features/listings/manage.server.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import { loader as csvLoader } from '../../app/routes/lists.$year.$number.edition[.]csv.ts';
import { loader as jsonLoader } from '../../app/routes/lists.$year.$number.edition[.]json.ts';
import { loader as xlsxLoader } from '../../app/routes/lists.$year.$number.edition[.]xlsx.ts';
import { loader as feedLoader } from '../../app/routes/lists.feed[.]atom.ts';
import type { SignedIn } from '../../app/server/auth.server.ts';
import { loadConfig } from '../../app/server/config.ts';
import type { AppContext } from '../../app/server/context.ts';
import type { DbHandle } from '../../db/client.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';
import { signInAs } from '../support/people.ts';

/*
 * Exports of a published supply–demand list (issue 6, item 5): .xlsx, .csv, .json and the Atom feed, through the
 * route modules' loaders against the seeded demo database. The edition is made through the use cases
 * (create → add → note → publish), then a listing in it is withdrawn and an erratum published.
 */

const zh = zhCN.editions;
const YEAR = 2031;
const NUMBER = 1;
const HEADERS = ['序号', '链条', '产业领域', '类型', '名称', '简介', '发布单位', '所在地区', '技术就绪度'];

let handle: DbHandle;
let context: AppContext;
let owner: SignedIn;
let editionId: number;
/** The listing of the owner's organisation that is withdrawn half-way. */
let withdrawnId: number;
/** A listing whose detail is for members only: its organisation never appears. */
let confidentialId: number;
let listingIds: number[];
let titles: Map<number, string>;

type Loader = (args: LoaderFunctionArgs) => Promise<Response>;

function call(
  loader: Loader,
  path: string,
  params: Record<string, string>,
  options: { headers?: Record<string, string>; context?: AppContext } = {},
) {
  return loader({
    request: new Request(`http://localhost${path}`, { headers: options.headers }),
    params,
    context: options.context ?? context,
  } as LoaderFunctionArgs);
}

const editionParams = { year: String(YEAR), number: String(NUMBER) };
const base = `/lists/${YEAR}/${NUMBER}`;
const getXlsx = (headers?: Record<string, string>) =>
  call(xlsxLoader, `${base}/edition.xlsx`, editionParams, { headers });
const getCsv = (headers?: Record<string, string>) =>
  call(csvLoader, `${base}/edition.csv`, editionParams, { headers });
const getJson = () => call(jsonLoader, `${base}/edition.json`, editionParams);
const getFeed = (headers?: Record<string, string>) => call(feedLoader, '/lists/feed.atom', {}, { headers });

async function readWorkbook(response: Response): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  return workbook;
}

/** Cell texts of a sheet's rows below the header. */
function sheetRows(sheet: ExcelJS.Worksheet): ExcelJS.Row[] {
  const rows: ExcelJS.Row[] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) rows.push(row);
  });
  return rows;
}

/** A small RFC 4180 reader (quoted fields, doubled quotes, CRLF), enough to read our own CSV back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Titles in the order of the edition page (section → chain → field → position), per section. */
async function expectedOrder(): Promise<Record<'demand' | 'supply', string[]>> {
  const loaded = await loadPublishedEdition(handle.db, YEAR, NUMBER);
  const out = { demand: [] as string[], supply: [] as string[] };
  for (const group of groupEntries(loaded!.entries))
    for (const chain of group.chains)
      for (const field of chain.fields) out[group.section].push(...field.entries.map((x) => x.doc.title));
  return out;
}

async function version(id: number): Promise<number> {
  const row = await handle.db
    .selectFrom('edition')
    .select('version')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.version;
}

async function signIn(email: string): Promise<SignedIn> {
  return signInAs(context, email);
}

function live(kind: 'demand' | 'achievement' | 'scenario') {
  return handle.db
    .selectFrom('listing')
    .select(['id', 'title', 'organisation_id', 'confidentiality'])
    .where('kind', '=', kind)
    .where('status', '=', 'published')
    .where('expires_at', '>', new Date())
    .orderBy('id');
}

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  context = testContext(handle);
  owner = await signIn('owner-chilechuan-dairy@helin-demo.cn');
  const admin = await handle.db
    .selectFrom('app_user')
    .select('id')
    .where('email', '=', 'admin@helin-demo.cn')
    .executeTakeFirstOrThrow();
  const actor = { userId: admin.id, ip: '203.0.113.10' };

  const ownOrg = owner.memberships[0]!.organisationId;
  const own = await live('demand')
    .where('organisation_id', '=', ownOrg)
    .where('confidentiality', '=', 'public')
    .executeTakeFirstOrThrow();
  const confidential = await live('achievement')
    .where('confidentiality', '!=', 'public')
    .executeTakeFirstOrThrow();
  const others = [
    ...(await live('demand').where('id', '!=', own.id).limit(3).execute()),
    ...(await live('scenario').limit(2).execute()),
    ...(await live('achievement').where('id', '!=', confidential.id).limit(3).execute()),
  ];
  withdrawnId = own.id;
  confidentialId = confidential.id;
  // Scattered on purpose: the exports group by section → chain → field whatever the order of adding.
  const picked = [others[0]!, confidential, others[3]!, own, ...others.slice(1, 3), ...others.slice(4)];
  listingIds = picked.map((x) => x.id);
  titles = new Map(picked.map((x) => [x.id, x.title]));

  const meta = editionMetaSchema.parse({
    title: `${YEAR}年第${NUMBER}期场景供需清单`,
    year: String(YEAR),
    number: String(NUMBER),
    period_start: '2031-01-01',
    period_end: '2031-03-31',
    introduction: '导语：测试清单。',
  });
  const created = await createEdition(handle.db, { actor, meta });
  if (!created.ok) throw new Error(JSON.stringify(created));
  editionId = created.id;
  const added = await addEntries(handle.db, {
    actor,
    id: editionId,
    version: await version(editionId),
    listingIds,
  });
  if (!added.ok) throw new Error(JSON.stringify(added));
  const entry = await handle.db
    .selectFrom('edition_entry')
    .select(['id', 'chain_action'])
    .where('edition_id', '=', editionId)
    .where('listing_id', '=', own.id)
    .executeTakeFirstOrThrow();
  const noted = await updateEntry(handle.db, {
    actor,
    id: editionId,
    version: await version(editionId),
    entryId: entry.id,
    note: '县重点产业链急需',
    chainAction: entry.chain_action,
  });
  if (!noted.ok) throw new Error(JSON.stringify(noted));
  const published = await publishEdition(handle.db, {
    actor,
    id: editionId,
    version: await version(editionId),
  });
  if (!published.ok || !published.published) throw new Error(JSON.stringify(published));
});
afterAll(() => handle.close());

describe('edition.xlsx', () => {
  it('answers a spreadsheet with download and caching headers', async () => {
    const response = await getXlsx();
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const disposition = response.headers.get('Content-Disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+\.xlsx"; filename\*=UTF-8''/);
    expect(disposition).toContain(
      `filename*=UTF-8''${encodeURIComponent(`${YEAR}年第${NUMBER}期场景供需清单.xlsx`)}`,
    );
    expect(/^[\x20-\x7e]+$/.test(disposition)).toBe(true);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(response.headers.get('ETag')).toMatch(/^W\/".+"$/);
  });

  it('holds one sheet per section with a bold, frozen Chinese header row and every entry in order', async () => {
    const workbook = await readWorkbook(await getXlsx());
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['需求清单', '供给清单']);
    expect(workbook.title).toBe(`${YEAR}年第${NUMBER}期场景供需清单`);
    expect(workbook.creator).toBe(zhCN.site.owner);
    const published = await handle.db
      .selectFrom('edition')
      .select('published_at')
      .where('id', '=', editionId)
      .executeTakeFirstOrThrow();
    expect(Math.abs(workbook.created.getTime() - published.published_at!.getTime())).toBeLessThan(1000);

    const order = await expectedOrder();
    for (const [name, section] of [
      ['需求清单', 'demand'],
      ['供给清单', 'supply'],
    ] as const) {
      const sheet = workbook.getWorksheet(name)!;
      const header = sheet.getRow(1);
      const headerTexts = (header.values as ExcelJS.CellValue[]).slice(1);
      expect(headerTexts.slice(0, HEADERS.length)).toEqual(HEADERS);
      expect(headerTexts).toEqual(Object.values(zh.columns));
      expect(header.getCell(1).font?.bold).toBe(true);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getColumn(5).width).toBeGreaterThan(20);
      const rows = sheetRows(sheet);
      expect(rows.map((r) => r.getCell(5).text)).toEqual(order[section]);
      expect(order[section].length).toBeGreaterThan(0);
      expect(rows.map((r) => r.getCell(1).value)).toEqual(rows.map((_, i) => i + 1));
      for (const row of rows) {
        expect(row.getCell(12).text).toMatch(/^http:\/\/localhost\/listings\/\d+$/);
        expect(row.getCell(13).text).toBe('');
        const amount = row.getCell(10).value;
        expect(amount === null || typeof amount === 'number').toBe(true);
      }
    }
    const all = [...order.demand, ...order.supply].sort();
    expect(all).toEqual([...titles.values()].sort());

    const supply = sheetRows(workbook.getWorksheet('供给清单')!);
    const trls = supply.map((r) => r.getCell(9).value).filter((v) => v !== null);
    expect(trls.length).toBeGreaterThan(0);
    for (const trl of trls) expect(typeof trl).toBe('number');
  });

  it('never names the organisation of a confidential listing', async () => {
    const workbook = await readWorkbook(await getXlsx());
    const row = sheetRows(workbook.getWorksheet('供给清单')!).find((r) =>
      r.getCell(12).text.endsWith(`/listings/${confidentialId}`),
    )!;
    expect(row.getCell(5).text).toBe(titles.get(confidentialId));
    expect(row.getCell(7).text).toBe('');
  });

  it('answers 304 to a client whose copy is current', async () => {
    const etag = (await getXlsx()).headers.get('ETag')!;
    const again = await getXlsx({ 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('ETag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await getXlsx({ 'If-None-Match': 'W/"something-else"' })).status).toBe(200);
  });
});

describe('edition.csv', () => {
  it('is UTF-8 with a BOM, one header row and every entry with its section first', async () => {
    const response = await getCsv();
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent(`${YEAR}年第${NUMBER}期场景供需清单.csv`)}`,
    );
    const bytes = new Uint8Array(await response.clone().arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith('\uFEFF清单,序号,链条,产业领域')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(['清单', ...Object.values(zh.columns)]);
    expect(rows).toHaveLength(listingIds.length);
    const order = await expectedOrder();
    expect(rows.map((r) => r[5])).toEqual([...order.demand, ...order.supply]);
    expect(rows.map((r) => r[0])).toEqual([
      ...order.demand.map(() => '需求清单'),
      ...order.supply.map(() => '供给清单'),
    ]);

    // The same rows as the shared row builder, cell by cell.
    const loaded = await loadPublishedEdition(handle.db, YEAR, NUMBER);
    const expected = editionRows(loaded!, 'http://localhost').flatMap((s) => s.rows);
    rows.forEach((r, i) => {
      const e = expected[i]!;
      expect(r[1]).toBe(String(e.position));
      expect(r[2]).toBe(zhCN.chainAction[e.chainAction]);
      expect(r[4]).toBe(zhCN.kind[e.kind]);
      expect(r[7]).toBe(e.organisation ?? '');
      expect(r[9]).toBe(e.trl === null ? '' : String(e.trl));
      expect(r[10]).toBe(e.amountWan === null ? '' : String(e.amountWan));
      expect(r[12]).toBe(`http://localhost/listings/${e.listingId}`);
    });
    const noted = rows.find((r) => r[12]!.endsWith(`/listings/${withdrawnId}`))!;
    expect(noted[11]).toBe('县重点产业链急需');
  });
});

describe('edition.json', () => {
  it('has the documented shape', async () => {
    const response = await getJson();
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    const body = await response.json();
    expect(Object.keys(body)).toEqual(['edition', 'sections', 'errata']);
    expect(body.edition).toEqual({
      year: YEAR,
      number: NUMBER,
      title: `${YEAR}年第${NUMBER}期场景供需清单`,
      period_start: '2031-01-01',
      period_end: '2031-03-31',
      introduction: '导语：测试清单。',
      published_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      url: `http://localhost/lists/${YEAR}/${NUMBER}`,
    });
    expect(body.sections.map((s: { section: string }) => s.section)).toEqual(['demand', 'supply']);
    expect(body.errata).toEqual([]);
    const entries = body.sections.flatMap((s: { entries: unknown[] }) => s.entries);
    expect(entries).toHaveLength(listingIds.length);
    for (const entry of entries) {
      expect(Object.keys(entry)).toEqual([
        'position',
        'chain_action',
        'field',
        'listing_id',
        'kind',
        'title',
        'summary',
        'organisation',
        'region',
        'trl',
        'amount_wan',
        'note',
        'url',
        'state',
      ]);
      expect(['strengthen', 'build', 'layout']).toContain(entry.chain_action);
      expect(entry.title).toBe(titles.get(entry.listing_id));
      expect(entry.url).toBe(`http://localhost/listings/${entry.listing_id}`);
      expect(entry.state).toBe('live');
    }
    const supply = body.sections[1].entries;
    expect(supply.every((e: { kind: string }) => e.kind === 'achievement')).toBe(true);
    expect(supply.map((e: { position: number }) => e.position)).toEqual(
      supply.map((_: unknown, i: number) => i + 1),
    );
    expect(
      entries.find((e: { listing_id: number }) => e.listing_id === confidentialId).organisation,
    ).toBeNull();
  });
});

describe('feed.atom', () => {
  it('lists the published editions, newest first', async () => {
    const response = await getFeed();
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/atom+xml; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300');
    const xml = await response.text();
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(xml).toContain(`<title>${zh.feedTitle}</title>`);
    expect(xml).toContain('<link rel="self" href="http://localhost/lists/feed.atom"/>');
    const ids = [...xml.matchAll(/<entry>[\s\S]*?<id>([^<]+)<\/id>[\s\S]*?<\/entry>/g)].map((m) => m[1]);
    // Ours was published just now; the seeded editions earlier.
    expect(ids[0]).toBe(`http://localhost/lists/${YEAR}/${NUMBER}`);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    // Four demands and two scenarios in 需求清单, four achievements in 供给清单.
    expect(xml).toContain(zh.editionSummary(6, 4));
    expect(xml.match(/<entry>/g)).toHaveLength(xml.match(/<\/entry>/g)!.length);
  });
});

describe('after publication', () => {
  it('keeps a withdrawn listing’s snapshot and marks it 已撤回 in every export', async () => {
    const xlsxEtag = (await getXlsx()).headers.get('ETag')!;
    const withdrawn = await transitionListing(handle.db, {
      principal: owner,
      id: withdrawnId,
      action: 'withdraw',
      ip: '203.0.113.9',
      ttlDays: 180,
    });
    expect(withdrawn).toMatchObject({ ok: true, status: 'withdrawn' });
    const title = titles.get(withdrawnId)!;

    // The state column changed: the old copy is stale.
    const response = await getXlsx({ 'If-None-Match': xlsxEtag });
    expect(response.status).toBe(200);
    const workbook = await readWorkbook(response);
    const row = sheetRows(workbook.getWorksheet('需求清单')!).find((r) => r.getCell(5).text === title)!;
    expect(row.getCell(13).text).toBe('已撤回');
    expect(row.getCell(12).text).toBe(`http://localhost/listings/${withdrawnId}`);

    const csv = parseCsv((await (await getCsv()).text()).replace(/^\uFEFF/, ''));
    const csvRow = csv.find((r) => r[5] === title)!;
    expect(csvRow.at(-1)).toBe(zh.entryWithdrawn);
    expect(csv.filter((r) => r.at(-1) === '')).toHaveLength(listingIds.length - 1);

    const body = await (await getJson()).json();
    const entry = body.sections[0].entries.find((e: { listing_id: number }) => e.listing_id === withdrawnId);
    expect(entry).toMatchObject({ title, state: 'withdrawn' });
  });

  it('adds a 勘误 sheet, the errata and a later feed update once an erratum is published', async () => {
    const before = await readWorkbook(await getXlsx());
    expect(before.worksheets.map((s) => s.name)).toEqual(['需求清单', '供给清单']);
    const body = '第 2 条的投资额应为 500 万元。';
    const done = await addErratum(handle.db, { actor: { userId: null, ip: null }, id: editionId, body });
    expect(done.ok).toBe(true);

    const workbook = await readWorkbook(await getXlsx());
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['需求清单', '供给清单', '勘误']);
    const errata = workbook.getWorksheet('勘误')!;
    expect((errata.getRow(1).values as ExcelJS.CellValue[]).slice(1)).toEqual(['发布时间', '勘误内容']);
    expect(errata.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(errata.getRow(2).getCell(2).text).toBe(body);

    const json = await (await getJson()).json();
    expect(json.errata).toEqual([{ body, published_at: expect.any(String) }]);
    const feed = await (await getFeed()).text();
    const ours = /<entry>([\s\S]*?)<\/entry>/.exec(feed)![1]!;
    const updated = /<updated>([^<]+)<\/updated>/.exec(ours)![1]!;
    const published = /<published>([^<]+)<\/published>/.exec(ours)![1]!;
    expect(updated).toBe(json.errata[0].published_at);
    expect(updated > published).toBe(true);
  });
});

describe('addresses', () => {
  it('answers 404 in Chinese for an unknown, unpublished or malformed edition', async () => {
    const draft = await handle.db
      .selectFrom('edition')
      .select(['year', 'number'])
      .where('status', '!=', 'published')
      .executeTakeFirstOrThrow();
    const cases = [
      { year: String(YEAR), number: '2' },
      { year: '2032', number: '1' },
      { year: String(draft.year), number: String(draft.number) },
      { year: '1999', number: '1' },
      { year: '2101', number: '1' },
      { year: '2031', number: '0' },
      { year: '2031', number: '1000' },
      { year: '2031', number: '01' },
      { year: '2031', number: '1e0' },
      { year: 'abcd', number: '1' },
    ];
    for (const params of cases) {
      const path = `/lists/${params.year}/${params.number}`;
      for (const loader of [xlsxLoader, csvLoader]) {
        const response = await call(loader, `${path}/edition.x`, params);
        expect(response.status, JSON.stringify(params)).toBe(404);
        expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
        expect(await response.text()).toBe(zh.notFound);
      }
      const response = await call(jsonLoader, `${path}/edition.json`, params);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { message: zh.notFound } });
    }
  });

  it('links to PUBLIC_ORIGIN when it is set', async () => {
    const configured = testContext(handle, {
      config: loadConfig({ NODE_ENV: 'test', PUBLIC_ORIGIN: 'https://kjcg.example.cn' }),
    });
    const response = await call(jsonLoader, `${base}/edition.json`, editionParams, { context: configured });
    const body = await response.json();
    expect(body.edition.url).toBe(`https://kjcg.example.cn/lists/${YEAR}/${NUMBER}`);
    expect(body.sections[0].entries[0].url).toMatch(/^https:\/\/kjcg\.example\.cn\/listings\/\d+$/);
    const feed = await (await call(feedLoader, '/lists/feed.atom', {}, { context: configured })).text();
    expect(feed).toContain(`<id>https://kjcg.example.cn/lists/${YEAR}/${NUMBER}</id>`);
  });
});
