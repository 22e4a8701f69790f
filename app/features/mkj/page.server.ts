import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node';
import { z } from 'zod';
import { zhCN } from '../../i18n/zh-CN.ts';
import { requirePermission } from '../../server/auth.server.ts';
import { formFailure, formObject } from '../../server/forms.server.ts';
import { badRequest } from '../../server/responses.ts';
import { formatOf, MAX_IMPORT_BYTES, readImportFile } from './files.server.ts';
import {
  applyImport,
  type Counts,
  type ImportPlan,
  planImport,
  type RowAction,
  writeCount,
} from './import.server.ts';

/*
 * The bureau's 蒙科聚 page (/bureau/mkj): upload a file → dry run (counts, the first rows with what would happen,
 * every error) → apply, without JavaScript. The uploaded file is kept under DATA_DIR/imports/<random>.<ext>; the
 * apply form names it with its SHA-256 and the preview's fingerprint, so that what is applied is exactly the
 * previewed file, and a preview that no longer holds (the data changed) is shown again instead of applied. Files
 * are removed once applied, and any older than a day whenever the page acts.
 */

const mz = zhCN.mkj;
const p = mz.page;

export const PREVIEW_ROWS = 200;
const PREVIEW_ISSUES = 1000;
const KEEP_MS = 24 * 3600_000;
const IMPORT_ID = /^[A-Za-z0-9_-]{32}\.(csv|xlsx|json)$/;

export function importsDir(dataDir: string): string {
  return path.resolve(dataDir, 'imports');
}

/** Removes uploaded files older than a day (previews never applied). */
export async function cleanOldImports(dataDir: string, now = Date.now()): Promise<number> {
  const dir = importsDir(dataDir);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!IMPORT_ID.test(name)) continue;
    const file = path.join(dir, name);
    try {
      const stat = await fsp.stat(file);
      if (now - stat.mtimeMs > KEEP_MS) {
        await fsp.unlink(file);
        removed += 1;
      }
    } catch {
      // Gone already (applied by a parallel request).
    }
  }
  return removed;
}

export interface PreviewRow {
  table: string;
  sheet: string | null;
  line: number;
  action: RowAction;
  label: string;
  kind: string | null;
  detail: string;
}

export interface Preview {
  name: string;
  importId: string;
  sha256: string;
  fingerprint: string;
  counts: Counts;
  rows: PreviewRow[];
  total: number;
  issues: { sheet: string | null; line: number | null; column: string | null; reason: string }[];
  moreIssues: number;
  warnings: string[];
  stale: boolean;
  canApply: boolean;
}

function toPreview(
  plan: ImportPlan,
  file: { name: string; importId: string; sha256: string },
  stale = false,
): Preview {
  const writes = writeCount(plan);
  return {
    ...file,
    fingerprint: plan.fingerprint,
    counts: plan.counts,
    rows: plan.rows.slice(0, PREVIEW_ROWS).map((r) => ({
      table: mz.common.tables[r.table],
      sheet: r.sheet,
      line: r.line,
      action: r.action,
      label: r.label,
      kind: r.kind ? zhCN.kind[r.kind] : null,
      detail:
        r.reason ??
        [
          r.changes.length ? p.changed(r.changes.join(zhCN.listSeparator)) : null,
          r.id !== null && r.matchedBy ? p.matched(mz.import.matchedBy[r.matchedBy], r.id) : null,
        ]
          .filter(Boolean)
          .join('；'),
    })),
    total: plan.rows.length,
    issues: plan.issues.slice(0, PREVIEW_ISSUES),
    moreIssues: Math.max(0, plan.issues.length - PREVIEW_ISSUES),
    warnings: plan.warnings,
    stale,
    canApply: plan.issues.length === 0 && writes > 0,
  };
}

export async function mkjPageLoader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'read:bureau-area:any');
  const params = new URL(request.url).searchParams;
  const count = (name: string) => Math.max(0, Number.parseInt(params.get(name) ?? '0', 10) || 0);
  return {
    applied: params.has('applied')
      ? {
          created: count('created'),
          updated: count('updated'),
          unchanged: count('unchanged'),
          skipped: count('skipped'),
        }
      : null,
    maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
  };
}

const applySchema = z.object({
  intent: z.literal('apply'),
  importId: z.string().regex(IMPORT_ID),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().trim().min(1).max(200),
});

const sha256Of = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');

export async function mkjPageAction({ request, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'read:bureau-area:any');
  const dataDir = context.config.DATA_DIR;
  await cleanOldImports(dataDir);

  if (request.headers.get('Content-Type')?.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(
        request,
        unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMPORT_BYTES + 1 }),
      );
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError)
        return formFailure(
          413,
          {},
          { fieldErrors: { file: [mz.import.file.tooLarge(MAX_IMPORT_BYTES / 1048576)] } },
        );
      // A broken multipart body is the client's mistake (found by tests/fuzz): 400, not 500.
      throw badRequest(zhCN.errors.badForm);
    }
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0)
      return formFailure(400, {}, { fieldErrors: { file: [p.fileRequired] } });
    const format = formatOf(file.name);
    if (!format) return formFailure(400, {}, { fieldErrors: { file: [mz.import.file.unsupported] } });
    const bytes = new Uint8Array(await file.arrayBuffer());
    const importId = `${crypto.randomBytes(24).toString('base64url')}.${format}`;
    const sha256 = sha256Of(bytes);
    await fsp.mkdir(importsDir(dataDir), { recursive: true });
    await fsp.writeFile(path.join(importsDir(dataDir), importId), bytes, { mode: 0o640 });
    const plan = await planImport(context.db, await readImportFile(bytes, file.name));
    const name = path.basename(file.name).slice(0, 200);
    return { preview: toPreview(plan, { name, importId, sha256 }) };
  }

  const values = await formObject(request);
  const parsed = applySchema.safeParse(values);
  if (!parsed.success) return formFailure(400, values, { formError: p.fileExpired });
  const { importId, sha256, fingerprint, name } = parsed.data;
  const filePath = path.join(importsDir(dataDir), importId);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fsp.readFile(filePath));
  } catch {
    return formFailure(410, values, { formError: p.fileExpired });
  }
  if (sha256Of(bytes) !== sha256) return formFailure(410, values, { formError: p.fileExpired });
  const file = { name, importId, sha256 };
  const plan = await planImport(context.db, await readImportFile(bytes, importId));
  if (plan.fingerprint !== fingerprint)
    return data({ preview: toPreview(plan, file, true) }, { status: 409 });
  const result = await applyImport(context.db, plan, {
    actor: { userId: principal.userId, ip: context.clientIp },
    ttlDays: context.config.LISTING_TTL_DAYS,
    file: { name, sha256 },
  });
  if (!result.ok) {
    if ('stale' in result) return data({ preview: toPreview(result.plan, file, true) }, { status: 409 });
    // New errors inside the transaction (the data changed in between): show them.
    const fresh = await planImport(context.db, await readImportFile(bytes, importId));
    return data({ preview: toPreview(fresh, file, true) }, { status: 409 });
  }
  await fsp.rm(filePath, { force: true });
  const sum = (action: RowAction) => result.counts.organisation[action] + result.counts.listing[action];
  const query = new URLSearchParams({
    applied: '1',
    created: String(sum('created')),
    updated: String(sum('updated')),
    unchanged: String(sum('unchanged')),
    skipped: String(sum('skipped')),
  });
  return redirect(`/bureau/mkj?${query}`);
}
