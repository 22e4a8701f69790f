import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFile } from '../../app/features/mkj/export.server.ts';
import { readImportFile } from '../../app/features/mkj/files.server.ts';
import {
  applyImport,
  type ImportPlan,
  importRows,
  planImport,
} from '../../app/features/mkj/import.server.ts';
import { cleanOldImports, importsDir, type Preview } from '../../app/features/mkj/page.server.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import { action as pageAction, loader as pageLoader } from '../../app/routes/bureau.mkj._index.tsx';
import { loader as exportLoader } from '../../app/routes/bureau.mkj.export.$what.ts';
import { loadConfig } from '../../app/server/config.ts';
import type { AppContext } from '../../app/server/context.ts';
import { createSession } from '../../app/server/session.server.ts';
import type { DbHandle } from '../../db/client.ts';
import type { Database } from '../../db/schema.ts';
import { BUREAU_REVIEWER_EMAIL, DEMO_DOMAIN } from '../../db/seed/data/people.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';

/*
 * Import and export of 蒙科聚 files against the seeded demo database (PGlite; PostgreSQL with DATABASE_URL): the
 * sample files in tests/fixtures/mkj (CSV with and without BOM, JSON, and an .xlsx built here from the same rows)
 * with new, changed, unchanged and skipped rows; a dry run writes nothing; applying twice gives the same database;
 * a file with malformed rows reports every error and applies nothing; an export imports back unchanged.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/mkj');
const mz = zhCN.mkj;
const actor = { userId: null, ip: '203.0.113.30' };
const TTL = 180;

/** The tables an import may write, in full, in a stable order. */
const TABLES: { name: keyof Database; order: string }[] = [
  { name: 'organisation', order: 'id' },
  { name: 'organisation_field', order: 'organisation_id, field_id' },
  { name: 'listing', order: 'id' },
  { name: 'listing_field', order: 'listing_id, field_id' },
  { name: 'listing_event', order: 'id' },
  { name: 'audit_log', order: 'id' },
  { name: 'outbox', order: 'id' },
];

async function dump(handle: DbHandle): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(t.name)} order by ${sql.raw(
      t.order,
    )}`.execute(handle.db);
    out[t.name] = rows;
  }
  return JSON.stringify(out);
}

function fixture(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
}

async function plan(handle: DbHandle, bytes: Uint8Array, name: string): Promise<ImportPlan> {
  return planImport(handle.db, await readImportFile(bytes, name));
}

async function apply(handle: DbHandle, p: ImportPlan) {
  return applyImport(handle.db, p, { actor, ttlDays: TTL });
}

function actions(p: ImportPlan) {
  return p.rows.map((r) => [r.table, r.line, r.action]);
}

/** The .xlsx a person would make of the two sample CSVs: sheets 单位, 成果 and 需求 (rows of that kind). */
async function sampleXlsx(): Promise<Uint8Array> {
  const orgs = await readImportFile(fixture('organisations.csv'), 'organisations.csv');
  const listings = await readImportFile(fixture('listings.csv'), 'listings.csv');
  const workbook = new ExcelJS.Workbook();
  const add = (name: string, headers: string[], rows: string[][]) => {
    const sheet = workbook.addWorksheet(name);
    sheet.addRow(headers);
    for (const r of rows) sheet.addRow(r.map((c) => (/^\d+(\.\d+)?$/.test(c) ? Number(c) : c)));
  };
  add(
    '单位',
    orgs.tables[0]!.headers,
    orgs.tables[0]!.rows.map((r) => r.cells),
  );
  const table = listings.tables[0]!;
  const kindIndex = table.headers.indexOf('类型');
  add(
    '成果',
    table.headers,
    table.rows.filter((r) => r.cells[kindIndex] === '科技成果').map((r) => r.cells),
  );
  add(
    '需求',
    table.headers,
    table.rows.filter((r) => r.cells[kindIndex] === '技术需求').map((r) => r.cells),
  );
  workbook.addWorksheet('说明').addRow(['这张工作表不导入']);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('蒙科聚 import: the sample files', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ seeded: true });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('plans the organisations: created, updated (by 蒙科聚 id), unchanged (by USCC), and writes nothing', async () => {
    const before = await dump(handle);
    const p = await plan(handle, fixture('organisations.csv'), 'organisations.csv');
    expect(p.issues).toEqual([]);
    expect(actions(p)).toEqual([
      ['organisation', 2, 'created'],
      ['organisation', 3, 'updated'],
      ['organisation', 4, 'unchanged'],
    ]);
    expect(p.rows[1]).toMatchObject({ matchedBy: 'mkj_id', changes: ['地址'] });
    expect(p.rows[2]).toMatchObject({ matchedBy: 'uscc', label: '牧歌乳业（和林格尔）有限公司' });
    expect(await dump(handle)).toBe(before);
  });

  it('applies the organisations: the new one verified, the region normalised, the address changed', async () => {
    const result = await apply(handle, await plan(handle, fixture('organisations.csv'), 'organisations.csv'));
    expect(result).toMatchObject({ ok: true, written: true });
    const created = await handle.db
      .selectFrom('organisation')
      .selectAll()
      .where('mkj_id', '=', 'MKJ-ORG-900001')
      .executeTakeFirstOrThrow();
    expect(created).toMatchObject({
      verification: 'verified',
      region: '和林格尔县',
      uscc: '91150123MA0R8K2U50',
      type: 'enterprise',
      mkj_url: 'https://www.mengkeju.example/org/900001',
    });
    expect(created.verified_at).not.toBeNull();
    expect(created.growth_tiers).toEqual(['high_tech', 'tech_sme']);
    const fields = await handle.db
      .selectFrom('organisation_field as of')
      .innerJoin('field as f', 'f.id', 'of.field_id')
      .select('f.code')
      .where('of.organisation_id', '=', created.id)
      .orderBy('f.code')
      .execute();
    expect(fields.map((f) => f.code)).toEqual(['composites', 'new-materials']);
    const updated = await handle.db
      .selectFrom('organisation')
      .select('address')
      .where('mkj_id', '=', 'MKJ-ORG-000123')
      .executeTakeFirstOrThrow();
    expect(updated.address).toBe('和林格尔县盛乐经济园区乳业大道18号（研发中心）');
  });

  it('plans the listings: created, updated, unchanged and skipped with the reason', async () => {
    const before = await dump(handle);
    const p = await plan(handle, fixture('listings.csv'), 'listings.csv');
    expect(p.issues).toEqual([]);
    expect(actions(p)).toEqual([
      ['listing', 2, 'created'],
      ['listing', 3, 'created'],
      ['listing', 4, 'updated'],
      ['listing', 5, 'unchanged'],
      ['listing', 6, 'skipped'],
      ['listing', 7, 'skipped'],
    ]);
    expect(p.rows[2]).toMatchObject({ matchedBy: 'mkj_id', changes: ['简介'] });
    expect(p.rows[3]).toMatchObject({ matchedBy: 'uscc_title' });
    expect(p.rows[4]!.reason).toBe(mz.import.reasons.listingState(zhCN.lifecycle.status.withdrawn));
    expect(p.rows[5]!.reason).toBe(mz.import.reasons.organisationNotVerified(zhCN.bureau.states.pending));
    expect(p.counts.listing).toEqual({ created: 2, updated: 1, unchanged: 1, skipped: 2, error: 0 });
    expect(await dump(handle)).toBe(before);
  });

  it('applies the listings: published, public, with events, audit rows and search outbox rows', async () => {
    const now = new Date();
    const result = await applyImport(handle.db, await plan(handle, fixture('listings.csv'), 'listings.csv'), {
      actor,
      ttlDays: TTL,
      now,
      file: { name: 'listings.csv', sha256: 'x'.repeat(64) },
    });
    expect(result).toMatchObject({ ok: true, written: true });
    const created = await handle.db
      .selectFrom('listing')
      .selectAll()
      .where('mkj_id', 'in', ['MKJ-CG-900101', 'MKJ-XQ-900201'])
      .orderBy('mkj_id')
      .execute();
    expect(created).toHaveLength(2);
    const [achievement, demand] = created;
    expect(achievement).toMatchObject({
      kind: 'achievement',
      status: 'published',
      confidentiality: 'public',
      trl: 6,
      price_wan: 120,
      transfer_modes: ['license', 'joint_development'],
      achievement_type: 'material',
      region: '和林格尔县',
      mkj_url: 'https://www.mengkeju.example/achievement/900101',
    });
    expect(achievement!.expires_at!.getTime()).toBe(now.getTime() + TTL * 86_400_000);
    expect(achievement!.approved_snapshot).not.toBeNull();
    expect(demand).toMatchObject({
      kind: 'demand',
      demand_type: 'process',
      budget_min_wan: 30,
      budget_max_wan: 50,
      cooperation_modes: ['commissioned', 'service'],
      keywords: ['乳清粉', '结块', '流动性'],
    });
    const ids = created.map((l) => l.id);
    const updated = await handle.db
      .selectFrom('listing')
      .select(['id', 'summary', 'version'])
      .where('mkj_id', '=', 'MKJ-CG-000751')
      .executeTakeFirstOrThrow();
    expect(updated.summary).toMatch(/^多室连续培养/);
    const events = await handle.db
      .selectFrom('listing_event')
      .select(['listing_id', 'type'])
      .where('listing_id', 'in', [...ids, updated.id])
      .where('type', 'in', ['imported', 'import_updated'])
      .execute();
    expect(events).toHaveLength(3);
    const outbox = await handle.db
      .selectFrom('outbox')
      .select('aggregate_id')
      .where('topic', '=', 'search')
      .where('processed_at', 'is', null)
      .where('aggregate_id', 'in', [...ids, updated.id].map(String))
      .execute();
    expect(outbox).toHaveLength(3);
    const audits = await handle.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', 'like', 'mkj.import%')
      .execute();
    expect(audits.filter((a) => a.action === 'mkj.import.listing.create')).toHaveLength(2);
    expect(audits.filter((a) => a.action === 'mkj.import.listing.update')).toHaveLength(1);
    expect(audits.find((a) => a.action === 'mkj.import' && a.details.file === 'listings.csv')).toBeDefined();
  });

  it('imports the same files again without any change: same tables, same updated_at', async () => {
    const before = await dump(handle);
    for (const name of ['organisations.csv', 'listings.csv']) {
      const p = await plan(handle, fixture(name), name);
      expect(p.rows.map((r) => r.action).filter((a) => a !== 'unchanged' && a !== 'skipped')).toEqual([]);
      expect(await apply(handle, p)).toMatchObject({ ok: true, written: false });
    }
    expect(await dump(handle)).toBe(before);
  });

  it('reads the same data from .json and .xlsx: everything unchanged', async () => {
    const before = await dump(handle);
    for (const [bytes, name] of [
      [fixture('sample.json'), 'sample.json'],
      [await sampleXlsx(), 'sample.xlsx'],
    ] as const) {
      const rows = await readImportFile(bytes, name);
      const p = await planImport(handle.db, rows);
      expect(p.issues, name).toEqual([]);
      expect(p.counts.organisation, name).toMatchObject({ unchanged: 3, created: 0, updated: 0 });
      expect(p.counts.listing, name).toMatchObject({ unchanged: 4, skipped: 2, created: 0, updated: 0 });
      if (name.endsWith('.xlsx')) expect(p.warnings).toEqual([mz.import.warnings.ignoredSheets('说明')]);
      expect(await apply(handle, p)).toMatchObject({ ok: true, written: false });
    }
    expect(await dump(handle)).toBe(before);
  });

  it('refuses a plan whose rows changed since the preview (stale) and writes nothing', async () => {
    const p = await plan(handle, fixture('organisations.csv'), 'organisations.csv');
    const bytes = new TextEncoder().encode(
      '单位名称,统一社会信用代码,单位类型,所在地区\n新预览单位测试有限公司,91150123MA0R8K3H1Y,企业,和林格尔县\n',
    );
    const preview = await plan(handle, bytes, 'late.csv');
    expect(p.counts.organisation.unchanged).toBe(3);
    // Someone creates the organisation between the preview and the apply.
    await apply(handle, await plan(handle, bytes, 'late.csv'));
    const before = await dump(handle);
    const result = await apply(handle, preview);
    expect(result).toMatchObject({ ok: false, stale: true });
    expect(await dump(handle)).toBe(before);
  });
});

describe('蒙科聚 import: malformed rows', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ seeded: true });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('reports every error with line, column and reason, and applies nothing', async () => {
    const before = await dump(handle);
    const p = await plan(handle, fixture('malformed.csv'), 'malformed.csv');
    const byLine = (line: number) => p.issues.filter((i) => i.line === line);
    expect(byLine(2)).toEqual([
      {
        sheet: null,
        line: 2,
        column: '统一社会信用代码',
        reason: mz.import.errors.usccInvalid('91150123MA0R8K2U51'),
      },
    ]);
    expect(byLine(3)).toEqual([
      { sheet: null, line: 3, column: '产业领域', reason: mz.import.errors.unknownField('风电回收') },
    ]);
    expect(byLine(4)).toEqual([
      { sheet: null, line: 4, column: '技术就绪度', reason: zhCN.listingForm.errors.trlRange },
    ]);
    expect(byLine(5)).toEqual([{ sheet: null, line: 5, column: '名称', reason: mz.import.errors.required }]);
    expect(p.issues).toHaveLength(4);
    expect(actions(p)).toEqual([
      ['listing', 2, 'error'],
      ['listing', 3, 'error'],
      ['listing', 4, 'error'],
      ['listing', 5, 'error'],
      ['listing', 6, 'created'],
    ]);
    const result = await apply(handle, p);
    expect(result).toMatchObject({ ok: false });
    expect('issues' in result && result.issues).toHaveLength(4);
    expect(await dump(handle)).toBe(before);
  });

  it('importRows (the CLI): plans inside the transaction; an error writes nothing, a clean file is written once', async () => {
    const before = await dump(handle);
    const broken = await importRows(
      handle.db,
      await readImportFile(fixture('malformed.csv'), 'malformed.csv'),
      {
        actor,
        ttlDays: TTL,
      },
    );
    expect(broken.result).toMatchObject({ ok: false });
    expect(broken.plan.issues).toHaveLength(4);
    expect(await dump(handle)).toBe(before);
    const rows = await readImportFile(fixture('organisations.csv'), 'organisations.csv');
    const first = await importRows(handle.db, rows, { actor, ttlDays: TTL });
    expect(first.result).toMatchObject({ ok: true, written: true });
    expect(first.plan.counts.organisation).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    const after = await dump(handle);
    const again = await importRows(handle.db, rows, { actor, ttlDays: TTL });
    expect(again.result).toMatchObject({ ok: true, written: false });
    expect(await dump(handle)).toBe(after);
  });

  it('reports file-level problems: wrong type, not UTF-8, broken CSV, unknown table, duplicate header', async () => {
    const f = mz.import.file;
    const reasons = async (bytes: Uint8Array | string, name: string) => {
      const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
      return (await plan(handle, data, name)).issues.map((i) => [i.line, i.reason]);
    };
    expect(await reasons('x', 'a.txt')).toEqual([[null, f.unsupported]]);
    expect(await reasons(new Uint8Array([0xc4, 0xe3, 0xba, 0xc3]), 'gbk.csv')).toEqual([[null, f.notUtf8]]);
    expect(await reasons('名称,简介\n"未闭合,x\n', 'q.csv')).toEqual([[2, f.csvBroken(f.csvQuote)]]);
    expect(await reasons('甲,乙\n1,2\n', 'u.csv')).toEqual([[1, f.unknownTable]]);
    expect(await reasons('名称,标题\n一,二\n', 'd.csv')).toEqual([[1, f.duplicateHeader('标题')]]);
    expect(await reasons('{"a":1}', 'x.json')).toEqual([[null, f.jsonShape]]);
    expect(await reasons('单位名称\n', 'h.csv')).toEqual([[null, f.noRows]]);
  });

  it('checks the organisation rows: key, required columns for a new one, conflicts, duplicates', async () => {
    const csv = [
      '蒙科聚编号,单位名称,统一社会信用代码,单位类型,所在地区',
      'MKJ-ORG-000123,敕勒川乳业科技有限公司,91150123MA0PK3T79C,企业,和林格尔县',
      ',没有编号的单位,,企业,和林格尔县',
      'MKJ-ORG-900009,新单位缺类型,91150123MA0R8K3H1Y,,和林格尔县',
      'MKJ-ORG-900010,重复的单位,91150123MA0R8K3H1Y,企业,和林格尔县',
    ].join('\n');
    const p = await plan(handle, new TextEncoder().encode(csv), 'o.csv');
    const e = mz.import.errors;
    expect(p.issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [2, '统一社会信用代码', e.usccConflict('91150123MA0N072775')],
      [3, '统一社会信用代码', e.noKey],
      [4, '单位类型', e.required],
      [5, null, e.duplicateInFile(4)],
    ]);
  });
});

describe('蒙科聚 export → import round trip', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ seeded: true });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('exports the verified organisations and the live public listings; every format imports back unchanged', async () => {
    const before = await dump(handle);
    const origin = 'https://kjcg.example.cn';
    const verified = await handle.db
      .selectFrom('organisation')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('verification', '=', 'verified')
      .executeTakeFirstOrThrow();
    const live = await handle.db
      .selectFrom('listing')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'published')
      .where('expires_at', '>', new Date())
      .where('confidentiality', '=', 'public')
      .executeTakeFirstOrThrow();
    for (const format of ['csv', 'xlsx', 'json'] as const) {
      const orgs = await exportFile(handle.db, 'organisations', format, origin);
      expect(orgs.rows).toBe(Number(verified.n));
      const orgBytes = typeof orgs.body === 'string' ? new TextEncoder().encode(orgs.body) : orgs.body;
      const orgPlan = await planImport(handle.db, await readImportFile(orgBytes, orgs.fileName));
      expect(orgPlan.issues, format).toEqual([]);
      expect(orgPlan.counts.organisation, format).toMatchObject({ unchanged: Number(verified.n) });

      const listings = await exportFile(handle.db, 'listings', format, origin);
      expect(listings.rows).toBe(Number(live.n));
      const bytes =
        typeof listings.body === 'string' ? new TextEncoder().encode(listings.body) : listings.body;
      const listingPlan = await planImport(handle.db, await readImportFile(bytes, listings.fileName));
      expect(listingPlan.issues, format).toEqual([]);
      expect(listingPlan.counts.listing, format).toMatchObject({ unchanged: Number(live.n) });
      expect(await apply(handle, listingPlan)).toMatchObject({ ok: true, written: false });
    }
    expect(await dump(handle)).toBe(before);
  });

  it('writes CSV with a BOM and the documented headers; never contact details', async () => {
    const file = await exportFile(handle.db, 'listings', 'csv', 'https://kjcg.example.cn');
    const text = file.body as string;
    expect(text.startsWith('\uFEFF蒙科聚编号,类型,名称,单位蒙科聚编号,统一社会信用代码,单位名称')).toBe(true);
    expect(text).not.toMatch(/@helin-demo\.cn|联系电话/);
  });

  it('exports registered contracts with their registration data', async () => {
    const registered = await handle.db
      .selectFrom('match')
      .select(['id', 'registration_no'])
      .where('state', 'in', ['registered', 'in_execution', 'closed'])
      .where('registration_no', 'is not', null)
      .execute();
    const file = await exportFile(handle.db, 'contracts', 'json', 'https://kjcg.example.cn');
    const items = JSON.parse(file.body as string) as Record<string, unknown>[];
    expect(items).toHaveLength(registered.length);
    for (const item of items) {
      expect(Object.keys(item)).toContain('登记号');
      expect(item.登记号).not.toBeNull();
    }
  });
});

describe('the bureau page /bureau/mkj and the export route', () => {
  let handle: DbHandle;
  let ctx: AppContext;
  let dataDir: string;
  let reviewer: string;
  let owner: string;

  async function cookieFor(email: string): Promise<string> {
    const user = await handle.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const session = await createSession(ctx.db, ctx.config, { userId: user.id, ip: null, userAgent: null });
    return session.cookie.split(';')[0]!;
  }

  const URL_ = 'http://localhost/bureau/mkj';
  function post(cookie: string, body: FormData | URLSearchParams) {
    return pageAction({
      request: new Request(URL_, { method: 'POST', body, headers: { Cookie: cookie } }),
      params: {},
      context: ctx,
    } as unknown as ActionFunctionArgs);
  }
  function upload(cookie: string, bytes: Uint8Array<ArrayBuffer>, name: string) {
    const form = new FormData();
    form.set('file', new File([bytes], name));
    return post(cookie, form);
  }
  async function status(promise: Promise<unknown>): Promise<number> {
    try {
      const result = await promise;
      return result instanceof Response
        ? result.status
        : ((result as { init?: { status?: number } }).init?.status ?? 200);
    } catch (thrown) {
      if (thrown instanceof Response) return thrown.status;
      throw thrown;
    }
  }
  function previewOf(result: unknown): Preview {
    const data = (result as { data?: unknown }).data ?? result;
    return (data as { preview: Preview }).preview;
  }

  beforeAll(async () => {
    handle = await createTestDb({ seeded: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mkj-page-'));
    ctx = testContext(handle, { config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }) });
    reviewer = await cookieFor(BUREAU_REVIEWER_EMAIL);
    owner = await cookieFor(`owner-chilechuan-dairy@${DEMO_DOMAIN}`);
  });
  afterAll(async () => {
    await handle?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is for bureau staff only', async () => {
    const get = (cookie: string) =>
      pageLoader({
        request: new Request(URL_, { headers: { Cookie: cookie } }),
        params: {},
        context: ctx,
      } as unknown as LoaderFunctionArgs);
    expect(await status(get(reviewer))).toBe(200);
    expect(await status(get(owner))).toBe(403);
    expect(await status(upload(owner, fixture('organisations.csv'), 'organisations.csv'))).toBe(403);
  });

  it('refuses an incomplete form (400), a missing file and a file of another type', async () => {
    expect(await status(post(reviewer, new URLSearchParams({ intent: 'apply' })))).toBe(400);
    expect(await status(upload(reviewer, new Uint8Array(), 'empty.csv'))).toBe(400);
    const wrong = await upload(reviewer, new TextEncoder().encode('x'), 'notes.txt');
    expect((wrong as { data: { fieldErrors: Record<string, string[]> } }).data.fieldErrors.file).toEqual([
      mz.import.file.unsupported,
    ]);
    const expired = new URLSearchParams({
      intent: 'apply',
      importId: `${'A'.repeat(32)}.csv`,
      sha256: '0'.repeat(64),
      fingerprint: '0'.repeat(64),
      name: 'x.csv',
    });
    expect(await status(post(reviewer, expired))).toBe(410);
  });

  it('previews an upload (nothing written), then applies it by its id and removes the kept file', async () => {
    const before = await dump(handle);
    const result = await upload(reviewer, fixture('organisations.csv'), 'organisations.csv');
    const preview = previewOf(result);
    expect(preview.counts.organisation).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(preview.rows.map((r) => r.action)).toEqual(['created', 'updated', 'unchanged']);
    expect(preview.rows[1]!.detail).toContain('地址');
    expect(preview.canApply).toBe(true);
    expect(await dump(handle)).toBe(before);
    const kept = path.join(importsDir(dataDir), preview.importId);
    expect(fs.existsSync(kept)).toBe(true);

    const applied = await post(
      reviewer,
      new URLSearchParams({
        intent: 'apply',
        importId: preview.importId,
        sha256: preview.sha256,
        fingerprint: preview.fingerprint,
        name: preview.name,
      }),
    );
    expect(applied).toBeInstanceOf(Response);
    expect((applied as Response).status).toBe(302);
    expect((applied as Response).headers.get('Location')).toBe(
      '/bureau/mkj?applied=1&created=1&updated=1&unchanged=1&skipped=0',
    );
    expect(fs.existsSync(kept)).toBe(false);
    const audit = await handle.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'details'])
      .where('action', '=', 'mkj.import')
      .executeTakeFirstOrThrow();
    expect(audit.actor_user_id).not.toBeNull();
    expect(audit.details).toMatchObject({ file: 'organisations.csv', sha256: preview.sha256 });
  });

  it('shows every error of a malformed file and offers no apply', async () => {
    const preview = previewOf(await upload(reviewer, fixture('malformed.csv'), 'malformed.csv'));
    expect(preview.canApply).toBe(false);
    expect(preview.issues.map((i) => [i.line, i.column])).toEqual([
      [2, '统一社会信用代码'],
      [3, '产业领域'],
      [4, '技术就绪度'],
      [5, '名称'],
    ]);
  });

  it('shows the preview again instead of applying when the data changed since (409)', async () => {
    const bytes = new TextEncoder().encode(
      '单位名称,统一社会信用代码,单位类型,所在地区\n预览后被抢先创建的单位,12150123MA0R8K4P23,科研院所,和林格尔县\n',
    );
    const preview = previewOf(await upload(reviewer, bytes, 'race.csv'));
    expect(preview.counts.organisation.created).toBe(1);
    await applyImport(handle.db, await planImport(handle.db, await readImportFile(bytes, 'race.csv')), {
      actor,
      ttlDays: TTL,
    });
    const result = await post(
      reviewer,
      new URLSearchParams({
        intent: 'apply',
        importId: preview.importId,
        sha256: preview.sha256,
        fingerprint: preview.fingerprint,
        name: preview.name,
      }),
    );
    expect(await status(Promise.resolve(result))).toBe(409);
    expect(previewOf(result)).toMatchObject({ stale: true, canApply: false });
  });

  it('removes kept files older than a day', async () => {
    const dir = importsDir(dataDir);
    const old = path.join(dir, `${'B'.repeat(32)}.json`);
    fs.writeFileSync(old, '[]');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    fs.utimesSync(old, twoDaysAgo, twoDaysAgo);
    expect(await cleanOldImports(dataDir)).toBe(1);
    expect(fs.existsSync(old)).toBe(false);
  });

  it('exports through the resource route: staff only, three formats, 400 for another format, 404 for another thing', async () => {
    const get = (what: string, query: string, cookie: string) =>
      exportLoader({
        request: new Request(`http://localhost/bureau/mkj/export/${what}${query}`, {
          headers: { Cookie: cookie },
        }),
        params: { what },
        context: ctx,
      } as unknown as LoaderFunctionArgs);
    const csv = await get('organisations', '?format=csv', reviewer);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('Content-Disposition')).toMatch(/^attachment; filename="mkj-organisations-/);
    const body = new Uint8Array(await csv.arrayBuffer());
    expect([...body.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(body).startsWith('蒙科聚编号,单位名称')).toBe(true);
    const xlsx = await get('listings', '?format=xlsx', reviewer);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.arrayBuffer()) as never);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['成果', '需求', '场景']);
    expect((await get('contracts', '?format=json', reviewer)).headers.get('Content-Type')).toBe(
      'application/json; charset=utf-8',
    );
    expect((await get('listings', '', reviewer)).headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect((await get('listings', '?format=pdf', reviewer)).status).toBe(400);
    expect((await get('people', '?format=csv', reviewer)).status).toBe(404);
    expect(await status(get('listings', '?format=csv', owner))).toBe(403);
  });
});
