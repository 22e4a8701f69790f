/**
 * 蒙科聚 files from the command line (docs/mengkeju.md):
 *
 *   npm run mkj:import -- <file.csv|.xlsx|.json> [--dry-run]
 *   npm run mkj:export -- <organisations|listings|contracts> <file.csv|.xlsx|.json>
 *
 * Import: a progress bar on stderr while planning and writing, then a summary table and every error on stdout.
 * Exit code 0 done (or a clean dry run), 1 the file has errors (nothing was written), 2 bad usage.
 * With the embedded database, run it while the server is stopped (PGlite is one process).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { migrateToLatest } from '../../../db/migrate.ts';
import { exportFile } from '../../features/mkj/export.server.ts';
import { formatOf, readImportFile } from '../../features/mkj/files.server.ts';
import { type ImportPlan, importRows, planImport, type RowAction } from '../../features/mkj/import.server.ts';
import { EXPORT_WHATS, type ExportWhat, type ImportIssue } from '../../features/mkj/mapping.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../database.ts';
import { siteOrigin } from '../responses.ts';

const mz = zhCN.mkj;
const c = mz.import.cli;
const ACTIONS: RowAction[] = ['created', 'updated', 'unchanged', 'skipped', 'error'];
const LIST_LIMIT = 200;

function out(line = '') {
  process.stdout.write(`${line}\n`);
}

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write(`${c.usage}\n`);
  process.exit(2);
}

/** Display width: a Chinese character takes two columns. */
function width(text: string): number {
  let n = 0;
  for (const ch of text)
    n += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(
      ch,
    )
      ? 2
      : 1;
  return n;
}

function pad(text: string, to: number, right = false): string {
  const space = ' '.repeat(Math.max(0, to - width(text)));
  return right ? space + text : text + space;
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  rows.forEach((r, n) => {
    out(`| ${r.map((cell, i) => pad(cell, widths[i]!, n > 0 && /^\d+$/.test(cell))).join(' | ')} |`);
    if (n === 0) out(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  });
}

function where(i: Pick<ImportIssue, 'sheet' | 'line'>): string {
  return [i.sheet, i.line === null ? null : String(i.line)].filter(Boolean).join(' · ') || '—';
}

function summary(plan: ImportPlan): void {
  table([
    [c.table, ...ACTIONS.map((a) => mz.common.actions[a])],
    ...(['organisation', 'listing'] as const).map((t) => [
      mz.common.tables[t],
      ...ACTIONS.map((a) => String(plan.counts[t][a])),
    ]),
  ]);
  for (const w of plan.warnings) out(w);
  const skipped = plan.rows.filter((r) => r.action === 'skipped');
  if (skipped.length) {
    out();
    out(`${mz.common.actions.skipped}:`);
    for (const r of skipped.slice(0, LIST_LIMIT)) out(`  ${where(r)}  ${r.label}  ${r.reason ?? ''}`);
    if (skipped.length > LIST_LIMIT) out(`  ${c.more(skipped.length - LIST_LIMIT)}`);
  }
}

function errors(issues: readonly ImportIssue[]): void {
  out();
  table([[c.line, c.column, c.reason], ...issues.map((i) => [where(i), i.column ?? '—', i.reason])]);
}

async function runImport(args: string[]): Promise<number> {
  const dryRun = args.includes('--dry-run');
  const files = args.filter((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--dry-run');
  if (files.length !== 1 || unknown.length) usage();
  const file = files[0]!;
  if (!formatOf(file)) usage(mz.import.file.unsupported);
  if (!fs.existsSync(file)) usage(c.notFound(file));
  const bytes = new Uint8Array(fs.readFileSync(file));
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');

  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    await migrateToLatest(handle.db);
    const bar = new cliProgress.SingleBar(
      { format: '{phase} [{bar}] {value}/{total}', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    const t0 = Date.now();
    const rows = await readImportFile(bytes, path.basename(file));
    /** One bar per phase (planning, writing), started at the first report. */
    let phase: string | null = null;
    const progress = (name: string) => (done: number, all: number) => {
      if (phase !== name) {
        if (phase) bar.stop();
        bar.start(all, 0, { phase: name });
        phase = name;
      }
      bar.update(done);
    };
    // A dry run only plans; an import plans and writes in one transaction (the stored rows locked meanwhile).
    const { plan, result } = dryRun
      ? { plan: await planImport(handle.db, rows, { onProgress: progress(c.planning) }), result: null }
      : await importRows(handle.db, rows, {
          actor: { userId: null, ip: null },
          ttlDays: config.LISTING_TTL_DAYS,
          file: { name: path.basename(file), sha256 },
          onPlanProgress: progress(c.planning),
          onProgress: progress(c.applying),
        });
    if (phase) bar.stop();
    out(c.summaryTitle(path.basename(file)));
    summary(plan);
    if (plan.issues.length) {
      errors(plan.issues);
      out();
      out(c.failed(plan.issues.length));
      return 1;
    }
    out();
    if (!result) {
      out(c.dryRun);
      return 0;
    }
    out(c.applied(((Date.now() - t0) / 1000).toFixed(1)));
    return 0;
  } finally {
    await handle.close();
  }
}

async function runExport(args: string[]): Promise<number> {
  if (args.length !== 2) usage();
  const [what, file] = args as [string, string];
  if (!(EXPORT_WHATS as readonly string[]).includes(what)) usage();
  const format = formatOf(file);
  if (!format) usage(mz.import.file.unsupported);
  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    await migrateToLatest(handle.db);
    const result = await exportFile(handle.db, what as ExportWhat, format, siteOrigin(config));
    fs.writeFileSync(file, result.body);
    out(c.exported(result.rows, file));
    return 0;
  } finally {
    await handle.close();
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'import') process.exitCode = await runImport(rest);
  else if (command === 'export') process.exitCode = await runExport(rest);
  else usage();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
