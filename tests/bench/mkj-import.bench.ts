/**
 * 蒙科聚 import benchmark (issue 8): `npm run bench:mkj`. Goal: 10,000 listing rows with their organisations,
 * parse + plan + apply, ≤ 30 s.
 *
 *   BENCH_LISTINGS   listing rows (default 10000), spread over 成果 / 需求 / 场景
 *   BENCH_ORGS       organisation rows (default 1000)
 *   BENCH_OUT        JSON result file (default tests/bench/results/mkj-import.json, or …-postgres.json)
 *   BENCH_FILE       also write the synthetic .xlsx to this path (to try it with `npm run mkj:import`)
 *   DATABASE_URL     a PostgreSQL server: a fresh database is created on it and dropped afterwards
 *                    (else an in-memory PGlite)
 *
 * Steps: migrations on an empty database (the field taxonomy only), then one synthetic .xlsx file (sheets 单位, 成果,
 * 需求, 场景: the way 蒙科聚 exports are laid out; deterministic) is read, planned and applied through the same
 * functions as the CLI and the bureau page, and timed per step. Then the same file again (everything unchanged:
 * nothing is written) and the same data as .json and .csv (parse only), and a file that changes every listing's
 * summary (10,000 updates). Prints a table and writes the JSON file; docs/performance.md quotes it by hand.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import ExcelJS from 'exceljs';
import { readImportFile } from '../../app/features/mkj/files.server.ts';
import {
  applyImport,
  type ImportPlan,
  importRows,
  planImport,
} from '../../app/features/mkj/import.server.ts';
import { usccCheckCharacter } from '../../app/features/orgs/rules.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import { createDb, type DbHandle, pgliteExtensions } from '../../db/client.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { adminUrl, dropDatabase, withAdmin } from '../support/postgres-admin.ts';
import { Rng } from './generate.ts';

const root = path.resolve(import.meta.dirname, '../..');
const env = process.env;
const LISTINGS = intEnv('BENCH_LISTINGS', 10_000);
const ORGS = intEnv('BENCH_ORGS', 1_000);
const OUT = path.resolve(
  root,
  env.BENCH_OUT ?? `tests/bench/results/mkj-import${env.DATABASE_URL ? '-postgres' : ''}.json`,
);
const GOAL_MS = 30_000;
const cols = zhCN.mkj.common.columns;

function intEnv(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

function out(line = '') {
  process.stdout.write(`${line}\n`);
}

const round = (x: number) => Math.round(x * 10) / 10;

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/* ---------- the synthetic file ---------- */

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function uscc(n: number): string {
  let tail = '';
  for (let i = 0, x = n; i < 7; i++, x = Math.floor(x / 31)) tail = ALPHABET[x % 31]! + tail;
  const first17 = `91150123MA${tail}`;
  return first17 + usccCheckCharacter(first17)!;
}

const FIELD_NAMES = [
  '乳业及营养健康',
  '益生菌',
  '绿色农畜产品加工',
  '现代农业',
  '新能源',
  '新型储能',
  '氢能',
  '新材料',
  '高性能复合材料',
  '人工智能',
  '工业软件',
  '低空经济',
];
const OBJECTS = [
  '乳清蛋白',
  '光伏组件',
  '储能电池',
  '无人机',
  '复合材料',
  '菌株',
  '饲草',
  '工业控制系统',
  '氢燃料',
];
const PROCESSES = ['在线检测', '低温干燥', '智能运维', '精准饲喂', '故障诊断', '工艺优化', '国产化替代'];
const REGIONS = ['和林格尔县', '呼和浩特市', '包头市', '鄂尔多斯市', '北京市'];

interface SyntheticFile {
  sheets: { name: string; headers: string[]; rows: (string | number | null)[][] }[];
}

function syntheticData(summaryTag = ''): SyntheticFile {
  const rng = new Rng(20261126);
  const orgHeaders = ['mkj_id', 'name', 'uscc', 'type', 'region', 'address', 'fields', 'mkj_url'] as const;
  const orgs = Array.from({ length: ORGS }, (_, i) => ({
    mkj_id: `MKJ-ORG-B${String(i + 1).padStart(6, '0')}`,
    name: `和林格尔县示例${rng.pick(['科技', '新材料', '乳业', '能源', '智能'])}第${i + 1}有限公司`,
    uscc: uscc(100_000 + i),
    type: rng.pick(['企业', '企业', '企业', '高校', '科研院所']),
    region: rng.pick(REGIONS),
    address: `盛乐经济园区${i + 1}号`,
    fields: rng.sample(FIELD_NAMES, rng.int(1, 2)).join('、'),
    mkj_url: `https://www.mengkeju.example/org/B${i + 1}`,
  }));
  const kinds = ['achievement', 'demand', 'scenario'] as const;
  const listingHeaders: Record<(typeof kinds)[number], string[]> = {
    achievement: [
      cols.listing.mkj_id,
      cols.titleByKind.achievement,
      cols.listing.org_uscc,
      cols.listing.org_name,
      cols.listing.summary,
      cols.listing.fields,
      cols.listing.keywords,
      cols.listing.achievement_type,
      cols.listing.trl,
      cols.listing.transfer_modes,
      cols.listing.price,
      cols.listing.mkj_url,
    ],
    demand: [
      cols.listing.mkj_id,
      cols.titleByKind.demand,
      cols.listing.org_uscc,
      cols.listing.org_name,
      cols.listing.summary,
      cols.listing.fields,
      cols.listing.keywords,
      cols.listing.indicators,
      cols.listing.demand_type,
      cols.listing.cooperation_modes,
      cols.listing.budget,
      cols.listing.mkj_url,
    ],
    scenario: [
      cols.listing.mkj_id,
      cols.titleByKind.scenario,
      cols.listing.org_uscc,
      cols.listing.org_name,
      cols.listing.summary,
      cols.listing.fields,
      cols.listing.keywords,
      cols.listing.scenario_type,
      cols.listing.issuing_unit,
      cols.listing.investment,
      cols.listing.first_trial,
      cols.listing.mkj_url,
    ],
  };
  const rows: Record<(typeof kinds)[number], (string | number | null)[][]> = {
    achievement: [],
    demand: [],
    scenario: [],
  };
  for (let i = 0; i < LISTINGS; i++) {
    const kind = kinds[i % 3]!;
    const org = orgs[i % ORGS]!;
    const object = rng.pick(OBJECTS);
    const process = rng.pick(PROCESSES);
    const title = `${object}${process}${kind === 'demand' ? '技术需求' : kind === 'scenario' ? '应用场景' : '成套技术'}（第${i + 1}项）`;
    const summary = `面向${rng.pick(FIELD_NAMES)}领域的${object}${process}，可将效率提升${rng.int(10, 60)}%，成本降低${rng.int(5, 40)}%。${summaryTag}`;
    const common = [
      `MKJ-${kind === 'achievement' ? 'CG' : kind === 'demand' ? 'XQ' : 'CJ'}-B${String(i + 1).padStart(6, '0')}`,
      title,
      org.uscc,
      org.name,
      summary,
      rng.sample(FIELD_NAMES, rng.int(1, 3)).join('、'),
      [object, process].join('、'),
    ];
    const url = `https://www.mengkeju.example/${kind}/B${i + 1}`;
    if (kind === 'achievement')
      rows.achievement.push([
        ...common,
        rng.pick(['发明专利', '新工艺', '新材料', '新装备', '软件著作权']),
        rng.int(3, 9),
        rng.sample(['技术转让', '技术许可', '合作开发', '技术服务'], rng.int(1, 2)).join('、'),
        rng.chance(0.3) ? '面议' : rng.int(10, 500),
        url,
      ]);
    else if (kind === 'demand') {
      const min = rng.int(10, 100);
      rows.demand.push([
        ...common,
        `关键指标提升${rng.int(10, 50)}%以上，连续运行${rng.int(30, 180)}天无故障`,
        rng.pick(['技术攻关', '工艺改进', '新产品研发', '检测认证']),
        rng.sample(['委托开发', '合作开发', '技术服务', '技术咨询'], rng.int(1, 2)).join('、'),
        `${min}-${min + rng.int(10, 200)}`,
        url,
      ]);
    } else
      rows.scenario.push([
        ...common,
        rng.pick(['企业生产', '政府应用', '城市建管', '民生服务']),
        org.name,
        rng.int(50, 3000),
        rng.chance(0.5) ? '是' : '否',
        url,
      ]);
  }
  return {
    sheets: [
      {
        name: '单位',
        headers: orgHeaders.map((k) => cols.organisation[k]),
        rows: orgs.map((o) => orgHeaders.map((k) => o[k])),
      },
      ...kinds.map((kind) => ({
        name: zhCN.mkj.common.sheets[kind],
        headers: listingHeaders[kind],
        rows: rows[kind],
      })),
    ],
  };
}

async function toXlsx(file: SyntheticFile): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  for (const s of file.sheets) {
    const sheet = workbook.addWorksheet(s.name);
    sheet.addRow(s.headers);
    for (const r of s.rows) sheet.addRow(r);
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function toJson(file: SyntheticFile): Uint8Array {
  const data = Object.fromEntries(
    file.sheets.map((s) => [
      s.name,
      s.rows.map((r) => Object.fromEntries(s.headers.map((h, i) => [h, r[i]]))),
    ]),
  );
  return new TextEncoder().encode(JSON.stringify(data));
}

function toCsv(sheet: SyntheticFile['sheets'][number]): Uint8Array {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return new TextEncoder().encode(
    `\uFEFF${[sheet.headers, ...sheet.rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`,
  );
}

/* ---------- run ---------- */

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: round(performance.now() - started), value };
}

async function openDatabase(): Promise<{ handle: DbHandle; label: string; close: () => Promise<void> }> {
  if (env.DATABASE_URL) {
    const name = `helin_bench_mkj_${process.pid}`;
    await withAdmin(env.DATABASE_URL, (admin) => admin.query(`create database ${name}`));
    const handle = await createDb({ databaseUrl: adminUrl(env.DATABASE_URL, name), poolMax: 4 });
    return {
      handle,
      label: `PostgreSQL (${new URL(env.DATABASE_URL).host}, fresh database)`,
      close: async () => {
        await handle.close();
        await withAdmin(env.DATABASE_URL!, (admin) => dropDatabase(admin, name));
      },
    };
  }
  const pglite = await PGlite.create({ extensions: pgliteExtensions });
  const handle = await createDb({ pglite });
  return {
    handle,
    label: 'PGlite (in memory)',
    close: async () => {
      await handle.close();
      await pglite.close();
    },
  };
}

function check(plan: ImportPlan, expect: Partial<Record<'created' | 'updated' | 'unchanged', number>>) {
  if (plan.issues.length) throw new Error(`unexpected issues: ${JSON.stringify(plan.issues.slice(0, 5))}`);
  for (const [action, n] of Object.entries(expect)) {
    const got = plan.counts.listing[action as 'created'] + plan.counts.organisation[action as 'created'];
    if (got !== n) throw new Error(`expected ${n} ${action}, got ${got}: ${JSON.stringify(plan.counts)}`);
  }
}

async function main() {
  const loadStart = os.loadavg().map(round);
  out(
    `蒙科聚 import benchmark: ${LISTINGS} listing rows + ${ORGS} organisation rows, ${os.cpus().length} CPUs, Node ${process.version}`,
  );
  const data = syntheticData();
  const xlsx = await toXlsx(data);
  if (env.BENCH_FILE) fs.writeFileSync(env.BENCH_FILE, xlsx);
  const changed = await toXlsx(syntheticData('（已更新）'));
  const json = toJson(data);
  const csv = toCsv(data.sheets[1]!);
  const db = await openDatabase();
  const actor = { userId: null, ip: null };
  try {
    await migrateToLatest(db.handle.db);
    out(`database: ${db.label}; file: ${Math.round(xlsx.byteLength / 1024)} KB .xlsx`);

    const options = { actor, ttlDays: 180 };
    /** The CLI: read, then plan and write in one transaction (importRows); the dry-run plan timed on its own. */
    const cliImport = async (bytes: Uint8Array, name: string, expect: Parameters<typeof check>[1]) => {
      const parse = await timed(() => readImportFile(bytes, name));
      const dryRun = await timed(() => planImport(db.handle.db, parse.value));
      check(dryRun.value, expect);
      const run = await timed(() => importRows(db.handle.db, parse.value, options));
      if (!run.value.result.ok)
        throw new Error(`import failed: ${JSON.stringify(run.value.result).slice(0, 500)}`);
      check(run.value.plan, expect);
      return {
        parse_ms: parse.ms,
        dry_run_plan_ms: dryRun.ms,
        import_ms: run.ms,
        total_ms: round(parse.ms + run.ms),
        written: run.value.result.written,
      };
    };
    /** The bureau page: read and plan (the preview), then applyImport (plans again inside its transaction). */
    const pageImport = async (bytes: Uint8Array, name: string, expect: Parameters<typeof check>[1]) => {
      const parse = await timed(() => readImportFile(bytes, name));
      const preview = await timed(() => planImport(db.handle.db, parse.value));
      check(preview.value, expect);
      const apply = await timed(() => applyImport(db.handle.db, preview.value, options));
      if (!apply.value.ok) throw new Error('apply failed');
      return {
        parse_ms: parse.ms,
        preview_plan_ms: preview.ms,
        apply_ms: apply.ms,
        total_ms: round(parse.ms + preview.ms + apply.ms),
      };
    };

    // First import: everything created. Then the same file again: everything unchanged, nothing written.
    const first = await cliImport(xlsx, 'bench.xlsx', { created: LISTINGS + ORGS });
    const again = await cliImport(xlsx, 'bench.xlsx', { unchanged: LISTINGS + ORGS });
    // Every listing's summary changed, through the page's preview + apply: 10,000 updates.
    const update = await pageImport(changed, 'changed.xlsx', { updated: LISTINGS, unchanged: ORGS });

    const parseJson = await timed(() => readImportFile(json, 'bench.json'));
    const parseCsv = await timed(() => readImportFile(csv, 'bench.csv'));

    const counts = await db.handle.db
      .selectFrom('listing')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const result = {
      date: new Date().toISOString(),
      machine: {
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        cpus: os.cpus().length,
        cpu_model: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        load_avg_start: loadStart,
        load_avg_end: os.loadavg().map(round),
      },
      commit: gitCommit(),
      database: db.label,
      rows: { listings: LISTINGS, organisations: ORGS },
      file_bytes: { xlsx: xlsx.byteLength, json: json.byteLength, csv_listings_of_one_kind: csv.byteLength },
      listings_in_database: Number(counts.n),
      results: {
        first_import: first,
        same_file_again: again,
        every_listing_changed: update,
        parse_only: {
          json_ms: parseJson.ms,
          csv_ms: parseCsv.ms,
          csv_rows: parseCsv.value.tables[0]?.rows.length ?? 0,
        },
      },
      notes: {
        first_import:
          'the CLI: readImportFile(.xlsx), then importRows (plan with the rows locked + write, one transaction, batches of 500 rows); total = parse + import; the dry-run plan is timed apart',
        same_file_again: 'the CLI again: everything unchanged, nothing is written',
        every_listing_changed:
          'the bureau page: preview (planImport), then applyImport (plans again inside its transaction, compares, writes); one UPDATE per changed listing',
      },
      goal: { total_ms: GOAL_MS, measured: first.total_ms, met: first.total_ms <= GOAL_MS },
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

    out();
    const cell = (x: number) => String(x).padStart(11);
    out('| CLI (mkj:import)        |    parse ms |  dry run ms |   import ms |    total ms |');
    out('| ----------------------- | ----------: | ----------: | ----------: | ----------: |');
    for (const [name, t] of [
      ['first (all created)', first],
      ['same file again', again],
    ] as const)
      out(
        `| ${name.padEnd(23)} | ${[t.parse_ms, t.dry_run_plan_ms, t.import_ms, t.total_ms].map(cell).join(' | ')} |`,
      );
    out();
    out('| page (preview + apply)  |    parse ms |  preview ms |    apply ms |    total ms |');
    out('| ----------------------- | ----------: | ----------: | ----------: | ----------: |');
    const u = update;
    out(
      `| ${'every listing changed'.padEnd(23)} | ${[u.parse_ms, u.preview_plan_ms, u.apply_ms, u.total_ms].map(cell).join(' | ')} |`,
    );
    out();
    out(
      `parse only: .json ${parseJson.ms} ms (both tables), .csv ${parseCsv.ms} ms (${result.results.parse_only.csv_rows} rows)`,
    );
    out(
      `${LISTINGS} rows: ${first.total_ms} ms (goal ≤ ${GOAL_MS} ms: ${result.goal.met ? 'met' : 'NOT met'})`,
    );
    out(`JSON: ${path.relative(root, OUT)}`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
