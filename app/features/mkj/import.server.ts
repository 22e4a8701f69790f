import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type {
  Database,
  GrowthTier,
  Listing,
  ListingKind,
  ListingUpdate as ListingSet,
  NewListing,
  Organisation,
  OrganisationType,
} from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { toFormValues } from '../listings/form.ts';
import { expiryFrom } from '../listings/lifecycle.ts';
import { reviewedSnapshot, toColumns } from '../listings/manage.server.ts';
import {
  COLUMN_OF_FORM_KEY,
  classifyTable,
  type FieldRef,
  type ImportIssue,
  type ImportRows,
  type ListingRecord,
  listingColumnOf,
  mapRows,
  missingForNewOrganisation,
  type OrganisationKey,
  type OrganisationRecord,
  type OrganisationValues,
  organisationColumnOf,
  validateListing,
} from './mapping.ts';

/*
 * Import of 蒙科聚 files (docs/mengkeju.md): planImport says, for every row, what would happen (created, updated,
 * unchanged, skipped with the reason, or error) and writes nothing; applyImport writes a previewed plan in ONE
 * transaction, all or nothing, and refuses a plan with any error; importRows (the CLI) plans and writes in one pass. Matching: organisations by 蒙科聚 id, then USCC; listings by
 * 蒙科聚 id, then (the organisation's USCC + title). Unchanged rows are not written, so importing the same file
 * twice leaves the database as it was.
 *
 * Imported records: new organisations are verified (蒙科聚 verified them); new listings are published at once
 * (public, expires_at = now + LISTING_TTL_DAYS, approved_snapshot set: 蒙科聚 reviewed them). Every listing
 * change writes a listing_event, an audit row and a 'search' outbox row in the same transaction. Imports do not
 * queue the push to 蒙科聚: the data came from there.
 */

const mz = zhCN.mkj;
const e = mz.import.errors;

export type RowAction = 'created' | 'updated' | 'unchanged' | 'skipped' | 'error';
export type ImportTable = 'organisation' | 'listing';
export type MatchedBy = 'mkj_id' | 'uscc' | 'uscc_title';

export interface PlanRow {
  table: ImportTable;
  sheet: string | null;
  line: number;
  action: RowAction;
  /** The organisation's name or the listing's title. */
  label: string;
  kind: ListingKind | null;
  /** The stored record it corresponds to. */
  id: number | null;
  matchedBy: MatchedBy | null;
  /** skipped: why; error: the first problem (all of them are in `issues`). */
  reason: string | null;
  /** updated: the headers of the columns that change. */
  changes: string[];
}

export type Counts = Record<ImportTable, Record<RowAction, number>>;

type OrgColumns = {
  type: OrganisationType;
  name: string;
  short_name: string | null;
  uscc: string | null;
  region: string;
  address: string | null;
  website: string | null;
  description: string;
  growth_tiers: GrowthTier[];
  mkj_id: string | null;
  mkj_url: string | null;
};

type ListingColumns = ReturnType<typeof toColumns>['columns'];

interface OrgCreate {
  ref: number;
  line: number;
  columns: OrgColumns;
  fieldCodes: string[];
}
interface OrgUpdate {
  id: number;
  line: number;
  set: Partial<OrgColumns>;
  fieldCodes: string[] | null;
  changes: string[];
  renamed: boolean;
}
interface ListingCreate {
  line: number;
  kind: ListingKind;
  organisationId: number | null;
  organisationRef: number | null;
  columns: ListingColumns;
  fieldCodes: string[];
  mkj_id: string | null;
  mkj_url: string | null;
}
interface ListingUpdate {
  id: number;
  line: number;
  version: number;
  set: Record<string, unknown>;
  fieldCodes: string[] | null;
  snapshot: Record<string, unknown>;
  changes: string[];
}

export interface PlannedWrites {
  orgCreates: OrgCreate[];
  orgUpdates: OrgUpdate[];
  listingCreates: ListingCreate[];
  listingUpdates: ListingUpdate[];
}

export interface ImportPlan {
  rows: PlanRow[];
  /** Every problem: with any, nothing is applied. */
  issues: ImportIssue[];
  warnings: string[];
  counts: Counts;
  /** What the plan does, row by row: applyImport refuses to apply when planning again gives another one. */
  fingerprint: string;
  /** The read file (applyImport plans it again inside its transaction). */
  source: ImportRows;
  writes: PlannedWrites;
}

function emptyCounts(): Counts {
  const zero = () => ({ created: 0, updated: 0, unchanged: 0, skipped: 0, error: 0 });
  return { organisation: zero(), listing: zero() };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const LOOKUP_CHUNK = 1000;

/* ---------- loading what the file refers to ---------- */

type StoredOrg = Organisation & { fieldCodes: string[] };

async function loadOrganisations(
  db: Kysely<Database>,
  mkjIds: string[],
  usccs: string[],
  lock: boolean,
): Promise<StoredOrg[]> {
  const byId = new Map<number, StoredOrg>();
  const load = async (column: 'mkj_id' | 'uscc', values: string[]) => {
    for (const part of chunks([...new Set(values)], LOOKUP_CHUNK)) {
      const rows = await db
        .selectFrom('organisation')
        .selectAll()
        .where(column, 'in', part)
        .$if(lock, (qb) => qb.forUpdate())
        .execute();
      for (const r of rows) byId.set(r.id, { ...r, uscc: r.uscc?.trim() ?? null, fieldCodes: [] });
    }
  };
  await load('mkj_id', mkjIds);
  await load('uscc', usccs);
  for (const part of chunks([...byId.keys()], LOOKUP_CHUNK)) {
    const rows = await db
      .selectFrom('organisation_field as of')
      .innerJoin('field as f', 'f.id', 'of.field_id')
      .select(['of.organisation_id', 'f.code'])
      .where('of.organisation_id', 'in', part)
      .execute();
    for (const r of rows) byId.get(r.organisation_id)!.fieldCodes.push(r.code);
  }
  return [...byId.values()];
}

type StoredListing = Listing & { fieldCodes: string[] };

/**
 * The stored listings the rows may match: by 蒙科聚 id, then — only for the rows whose id matched nothing — by
 * organisation + title.
 */
async function loadListings(
  db: Kysely<Database>,
  keys: { mkjId: string | null; organisationId: number | null; title: string }[],
  lock: boolean,
): Promise<StoredListing[]> {
  const byId = new Map<number, StoredListing>();
  const keep = (rows: Listing[]) => {
    for (const r of rows) byId.set(r.id, { ...r, fieldCodes: [] });
  };
  const mkjIds = [...new Set(keys.flatMap((k) => (k.mkjId ? [k.mkjId] : [])))];
  for (const part of chunks(mkjIds, LOOKUP_CHUNK))
    keep(
      await db
        .selectFrom('listing')
        .selectAll()
        .where('mkj_id', 'in', part)
        .$if(lock, (qb) => qb.forUpdate())
        .execute(),
    );
  const found = new Set([...byId.values()].map((l) => l.mkj_id));
  const byTitle = keys.filter((k) => k.organisationId !== null && !(k.mkjId && found.has(k.mkjId)));
  const organisationIds = [...new Set(byTitle.map((k) => k.organisationId!))];
  const titles = [...new Set(byTitle.map((k) => k.title))];
  for (const orgPart of chunks(organisationIds, LOOKUP_CHUNK))
    for (const titlePart of chunks(titles, LOOKUP_CHUNK))
      keep(
        await db
          .selectFrom('listing')
          .selectAll()
          .where('organisation_id', 'in', orgPart)
          .where('title', 'in', titlePart)
          .$if(lock, (qb) => qb.forUpdate())
          .execute(),
      );
  for (const part of chunks([...byId.keys()], LOOKUP_CHUNK)) {
    const rows = await db
      .selectFrom('listing_field as lf')
      .innerJoin('field as f', 'f.id', 'lf.field_id')
      .select(['lf.listing_id', 'f.code'])
      .where('lf.listing_id', 'in', part)
      .execute();
    for (const r of rows) byId.get(r.listing_id)!.fieldCodes.push(r.code);
  }
  return [...byId.values()];
}

/* ---------- comparing ---------- */

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\u0001') === [...b].sort().join('\u0001');

const NUMERIC = new Set(['budget_min_wan', 'budget_max_wan', 'price_wan', 'investment_wan', 'trl']);

/** A column value in one comparable form (numbers from numeric columns, dates, arrays). */
function comparable(key: string, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (NUMERIC.has(key)) return String(Number(value));
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

const orgHeader = (key: OrganisationKey) => mz.common.columns.organisation[key];

/* ---------- planning ---------- */

interface FileOrg {
  line: number;
  /** Stored id, or null for an organisation this file creates. */
  id: number | null;
  /** Index of the create, for a new one. */
  ref: number | null;
  verified: boolean;
  verification: string;
  region: string;
  broken: boolean;
}

/**
 * What importing these rows would do, row by row; writes nothing. `lock`: inside applyImport's transaction, the
 * stored rows it reads are locked (FOR UPDATE).
 */
export async function planImport(
  db: Kysely<Database>,
  source: ImportRows,
  options: { lock?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportPlan> {
  const lock = options.lock ?? false;
  const fields: FieldRef[] = await db.selectFrom('field').select(['code', 'name', 'active']).execute();
  const mapped = mapRows(source, fields);
  const issues: ImportIssue[] = [...mapped.issues];
  const rows: PlanRow[] = [];
  const writes: PlannedWrites = { orgCreates: [], orgUpdates: [], listingCreates: [], listingUpdates: [] };

  /* organisations */
  const stored = await loadOrganisations(
    db,
    [
      ...mapped.organisations.flatMap((o) => (o.values.mkj_id ? [o.values.mkj_id] : [])),
      ...mapped.listings.flatMap((l) => (l.org_mkj_id ? [l.org_mkj_id] : [])),
    ],
    [
      ...mapped.organisations.flatMap((o) => (o.values.uscc ? [o.values.uscc] : [])),
      ...mapped.listings.flatMap((l) => (l.org_uscc ? [l.org_uscc] : [])),
    ],
    lock,
  );
  const storedByMkj = new Map(stored.filter((o) => o.mkj_id).map((o) => [o.mkj_id!, o]));
  const storedByUscc = new Map(stored.filter((o) => o.uscc).map((o) => [o.uscc!, o]));
  /** Organisations the file names, by `mkj:…` / `uscc:…`. */
  const fileOrgs = new Map<string, FileOrg>();
  const seenStoredOrg = new Map<number, number>();

  const records = mapped.organisations.length + mapped.listings.length;
  const progress = () => {
    if (options.onProgress && (rows.length % 500 === 0 || rows.length === records))
      options.onProgress(rows.length, records);
  };
  for (const record of mapped.organisations) {
    rows.push(planOrganisation(record));
    progress();
  }

  function planOrganisation(record: OrganisationRecord): PlanRow {
    const v = record.values;
    const where = { sheet: record.sheet, line: record.line };
    const base: PlanRow = {
      table: 'organisation',
      ...where,
      action: 'error',
      label: v.name ?? '',
      kind: null,
      id: null,
      matchedBy: null,
      reason: null,
      changes: [],
    };
    const problems: ImportIssue[] = [];
    const keys = [v.mkj_id ? `mkj:${v.mkj_id}` : null, v.uscc ? `uscc:${v.uscc}` : null].filter(
      (k): k is string => k !== null,
    );
    const byMkj = v.mkj_id ? storedByMkj.get(v.mkj_id) : undefined;
    const byUscc = v.uscc ? storedByUscc.get(v.uscc) : undefined;
    const existing = byMkj ?? byUscc;
    const matchedBy: MatchedBy | null = byMkj ? 'mkj_id' : byUscc ? 'uscc' : null;
    const column = (key: OrganisationKey) => record.headers[key] ?? orgHeader(key);

    const duplicate = keys.map((k) => fileOrgs.get(k)).find((x) => x !== undefined);
    if (duplicate) problems.push({ ...where, column: null, reason: e.duplicateInFile(duplicate.line) });
    else if (existing && seenStoredOrg.has(existing.id))
      problems.push({ ...where, column: null, reason: e.sameRecordTwice(seenStoredOrg.get(existing.id)!) });
    if (byMkj && v.uscc && byMkj.uscc && byMkj.uscc !== v.uscc)
      problems.push({ ...where, column: column('uscc'), reason: e.usccConflict(byMkj.uscc) });
    else if (byMkj && byUscc && byUscc.id !== byMkj.id)
      problems.push({ ...where, column: column('uscc'), reason: e.usccTaken });
    if (!byMkj && existing && v.mkj_id && existing.mkj_id && existing.mkj_id !== v.mkj_id)
      problems.push({ ...where, column: column('mkj_id'), reason: e.mkjIdConflict(existing.mkj_id) });
    if (!existing) problems.push(...missingForNewOrganisation(record));

    const entry: FileOrg = {
      line: record.line,
      id: existing?.id ?? null,
      ref: null,
      verified: existing ? existing.verification === 'verified' : true,
      verification: existing?.verification ?? 'verified',
      region: v.region ?? existing?.region ?? '',
      broken: problems.length > 0,
    };
    for (const k of keys) if (!fileOrgs.has(k)) fileOrgs.set(k, entry);
    if (existing && !seenStoredOrg.has(existing.id)) seenStoredOrg.set(existing.id, record.line);
    if (problems.length) {
      issues.push(...problems);
      return { ...base, id: existing?.id ?? null, matchedBy, reason: problems[0]!.reason };
    }

    if (!existing) {
      const ref = writes.orgCreates.length;
      entry.ref = ref;
      writes.orgCreates.push({
        ref,
        line: record.line,
        columns: {
          type: v.type!,
          name: v.name!,
          short_name: v.short_name ?? null,
          uscc: v.uscc ?? null,
          region: v.region!,
          address: v.address ?? null,
          website: v.website ?? null,
          description: v.description ?? '',
          growth_tiers: v.growth_tiers ?? [],
          mkj_id: v.mkj_id ?? null,
          mkj_url: v.mkj_url ?? null,
        },
        fieldCodes: v.fields ?? [],
      });
      return { ...base, action: 'created' };
    }
    const { set, fieldCodes, changes } = organisationChanges(existing, v);
    const label = v.name || existing.name;
    if (changes.length === 0) return { ...base, action: 'unchanged', label, id: existing.id, matchedBy };
    writes.orgUpdates.push({
      id: existing.id,
      line: record.line,
      set,
      fieldCodes,
      changes,
      renamed: set.name !== undefined,
    });
    return { ...base, action: 'updated', label, id: existing.id, matchedBy, changes };
  }

  /* listings */
  const storedOrgIds = new Set(stored.map((o) => o.id));
  const resolveOrg = (l: ListingRecord): FileOrg | StoredOrg | undefined => {
    const candidates: (string | null)[] = [
      l.org_mkj_id ? `mkj:${l.org_mkj_id}` : null,
      l.org_uscc ? `uscc:${l.org_uscc}` : null,
    ];
    for (const key of candidates) if (key && fileOrgs.has(key)) return fileOrgs.get(key);
    return (
      (l.org_mkj_id ? storedByMkj.get(l.org_mkj_id) : undefined) ??
      (l.org_uscc ? storedByUscc.get(l.org_uscc) : undefined)
    );
  };
  const storedListings = await loadListings(
    db,
    mapped.listings.map((l) => {
      const org = resolveOrg(l);
      const id = org && org.id !== null && storedOrgIds.has(org.id) ? org.id : null;
      return { mkjId: l.mkj_id ?? null, organisationId: id, title: l.title };
    }),
    lock,
  );
  const listingByMkj = new Map(storedListings.filter((l) => l.mkj_id).map((l) => [l.mkj_id!, l]));
  const listingsByOrgTitle = new Map<string, StoredListing[]>();
  for (const l of storedListings) {
    const key = `${l.organisation_id}\u0001${l.title}`;
    listingsByOrgTitle.set(key, [...(listingsByOrgTitle.get(key) ?? []), l]);
  }
  /** Several stored listings of one organisation with one title: the published one, else the newest. */
  const pickByTitle = (organisationId: number, title: string) =>
    (listingsByOrgTitle.get(`${organisationId}\u0001${title}`) ?? []).sort(
      (a, b) =>
        Number(b.status === 'published') - Number(a.status === 'published') ||
        b.updated_at.getTime() - a.updated_at.getTime() ||
        b.id - a.id,
    )[0];
  const seenListingKeys = new Map<string, number>();
  const seenStoredListing = new Map<number, number>();

  for (const record of mapped.listings) {
    rows.push(planListing(record));
    progress();
  }

  function planListing(record: ListingRecord): PlanRow {
    const where = { sheet: record.sheet, line: record.line };
    const base: PlanRow = {
      table: 'listing',
      ...where,
      action: 'error',
      label: record.title,
      kind: record.kind,
      id: null,
      matchedBy: null,
      reason: null,
      changes: [],
    };
    const column = (key: keyof typeof mz.common.columns.listing) =>
      record.headers[key] ?? mz.common.columns.listing[key];
    const fail = (problems: ImportIssue[], extra: Partial<PlanRow> = {}): PlanRow => {
      issues.push(...problems);
      return { ...base, ...extra, reason: problems[0]!.reason };
    };

    const org = resolveOrg(record);
    if (!org)
      return fail([
        {
          ...where,
          column: column(record.org_uscc ? 'org_uscc' : 'org_mkj_id'),
          reason: e.organisationNotFound(
            [record.org_name, record.org_uscc ?? record.org_mkj_id].filter(Boolean).join(' '),
          ),
        },
      ]);
    const fromFile = 'broken' in org;
    if (fromFile && org.broken)
      return fail([{ ...where, column: column('org_uscc'), reason: e.organisationRowBroken(org.line) }]);
    const organisationId = org.id;
    const organisationRef = fromFile ? org.ref : null;
    const verified = fromFile ? org.verified : org.verification === 'verified';
    const orgRegion = org.region;
    const orgKey = organisationId !== null ? `id:${organisationId}` : `ref:${organisationRef}`;

    const byMkj = record.mkj_id ? listingByMkj.get(record.mkj_id) : undefined;
    const byTitle = !byMkj && organisationId !== null ? pickByTitle(organisationId, record.title) : undefined;
    const existing = byMkj ?? byTitle;
    const matchedBy: MatchedBy | null = byMkj ? 'mkj_id' : byTitle ? 'uscc_title' : null;

    const problems: ImportIssue[] = [];
    const keys = [record.mkj_id ? `mkj:${record.mkj_id}` : null, `t:${orgKey}:${record.title}`].filter(
      (k): k is string => k !== null,
    );
    const duplicate = keys.map((k) => seenListingKeys.get(k)).find((x) => x !== undefined);
    if (duplicate !== undefined)
      problems.push({ ...where, column: null, reason: e.duplicateInFile(duplicate) });
    else if (existing && seenStoredListing.has(existing.id))
      problems.push({
        ...where,
        column: null,
        reason: e.sameRecordTwice(seenStoredListing.get(existing.id)!),
      });
    for (const k of keys) if (!seenListingKeys.has(k)) seenListingKeys.set(k, record.line);
    if (existing && !seenStoredListing.has(existing.id)) seenStoredListing.set(existing.id, record.line);
    if (existing && existing.kind !== record.kind)
      problems.push({ ...where, column: column('kind'), reason: e.kindConflict(zhCN.kind[existing.kind]) });
    if (existing && organisationId !== null && existing.organisation_id !== organisationId)
      problems.push({ ...where, column: column('org_uscc'), reason: e.organisationConflict });
    if (byTitle && record.mkj_id && byTitle.mkj_id && byTitle.mkj_id !== record.mkj_id)
      problems.push({ ...where, column: column('mkj_id'), reason: e.mkjIdConflict(byTitle.mkj_id) });
    if (problems.length) return fail(problems, { id: existing?.id ?? null, matchedBy });

    if (!verified)
      return {
        ...base,
        action: 'skipped',
        id: existing?.id ?? null,
        matchedBy,
        reason: mz.import.reasons.organisationNotVerified(
          zhCN.bureau.states[org.verification as keyof typeof zhCN.bureau.states] ?? org.verification,
        ),
      };
    if (existing && existing.status !== 'published')
      return {
        ...base,
        action: 'skipped',
        id: existing.id,
        matchedBy,
        reason: mz.import.reasons.listingState(zhCN.lifecycle.status[existing.status]),
      };

    const checked = validateListing(
      record,
      existing ? toFormValues(existing as unknown as Record<string, unknown>, existing.fieldCodes) : null,
      orgRegion,
    );
    if (!checked.ok) return fail(checked.issues, { id: existing?.id ?? null, matchedBy });
    const { columns, fieldCodes } = toColumns(checked.input);

    if (!existing) {
      writes.listingCreates.push({
        line: record.line,
        kind: record.kind,
        organisationId,
        organisationRef,
        columns,
        fieldCodes,
        mkj_id: record.mkj_id ?? null,
        mkj_url: record.mkj_url ?? null,
      });
      return { ...base, action: 'created' };
    }
    const set: Record<string, unknown> = {};
    const changedKeys: string[] = [];
    for (const [key, value] of Object.entries(columns)) {
      if (comparable(key, value) !== comparable(key, (existing as unknown as Record<string, unknown>)[key])) {
        set[key] = value;
        changedKeys.push(key);
      }
    }
    const fieldsChanged = !sameSet(fieldCodes, existing.fieldCodes);
    if (fieldsChanged) changedKeys.push('fieldCodes');
    if (record.mkj_id && record.mkj_id !== existing.mkj_id) {
      set.mkj_id = record.mkj_id;
      changedKeys.push('mkj_id');
    }
    if (record.mkj_url && record.mkj_url !== existing.mkj_url) {
      set.mkj_url = record.mkj_url;
      changedKeys.push('mkj_url');
    }
    if (changedKeys.length === 0) return { ...base, action: 'unchanged', id: existing.id, matchedBy };
    const changes = [
      ...new Set(
        changedKeys.map((k) => {
          const key = COLUMN_OF_FORM_KEY[k] ?? (k as keyof typeof mz.common.columns.listing);
          return mz.common.columns.listing[key] ?? k;
        }),
      ),
    ];
    writes.listingUpdates.push({
      id: existing.id,
      line: record.line,
      version: existing.version,
      set,
      fieldCodes: fieldsChanged ? fieldCodes : null,
      snapshot: reviewedSnapshot({ ...existing, ...columns } as Record<string, unknown>, fieldCodes),
      changes,
    });
    return { ...base, action: 'updated', id: existing.id, matchedBy, changes };
  }

  /* rows that did not even map: one error row per line */
  const planned = new Set(rows.map((r) => `${r.sheet}\u0001${r.line}`));
  const tableOf = new Map(source.tables.map((t) => [t.sheet, t]));
  for (const issue of issues) {
    if (issue.line === null) continue;
    const key = `${issue.sheet}\u0001${issue.line}`;
    if (planned.has(key)) continue;
    planned.add(key);
    const table = tableOf.get(issue.sheet);
    const type = table ? classifyTable(table) : undefined;
    if (!table || !type || issue.line === 1) continue;
    rows.push({
      table: type.type === 'organisations' ? 'organisation' : 'listing',
      sheet: issue.sheet,
      line: issue.line,
      action: 'error',
      label: rawLabel(table, issue.line, type.type),
      kind: type.type === 'listings' ? type.kind : null,
      id: null,
      matchedBy: null,
      reason: issue.reason,
      changes: [],
    });
  }

  // The file's order: table by table, line by line.
  const tableOrder = new Map(source.tables.map((t, i) => [t.sheet, i]));
  rows.sort((a, b) => (tableOrder.get(a.sheet) ?? 0) - (tableOrder.get(b.sheet) ?? 0) || a.line - b.line);
  issues.sort(
    (a, b) =>
      (tableOrder.get(a.sheet) ?? 0) - (tableOrder.get(b.sheet) ?? 0) || (a.line ?? 0) - (b.line ?? 0),
  );
  const counts = emptyCounts();
  for (const r of rows) counts[r.table][r.action] += 1;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(rows.map((r) => [r.table, r.sheet, r.line, r.action, r.id, r.changes])))
    .digest('hex');
  return { rows, issues, warnings: mapped.warnings, counts, fingerprint, source, writes };
}

/** The name or title cell of a raw row (for rows that could not be read into a record). */
function rawLabel(
  table: ImportRows['tables'][number],
  line: number,
  type: 'organisations' | 'listings',
): string {
  const row = table.rows.find((r) => r.line === line);
  if (!row) return '';
  const index = table.headers.findIndex((h) =>
    type === 'organisations' ? organisationColumnOf(h) === 'name' : listingColumnOf(h) === 'title',
  );
  return index >= 0 ? (row.cells[index] ?? '').trim() : '';
}

/** The columns an organisation row changes; an empty id, USCC or link never removes a stored one. */
function organisationChanges(existing: StoredOrg, v: OrganisationValues) {
  const set: Partial<OrgColumns> = {};
  const changes: string[] = [];
  const compare = <K extends keyof OrgColumns>(
    key: K,
    value: OrgColumns[K] | undefined,
    header: OrganisationKey,
  ) => {
    if (value === undefined) return;
    if (JSON.stringify(value) === JSON.stringify(existing[key] ?? null)) return;
    set[key] = value;
    changes.push(orgHeader(header));
  };
  compare('name', v.name || undefined, 'name');
  compare('short_name', v.short_name, 'short_name');
  compare('uscc', v.uscc ?? undefined, 'uscc');
  compare('type', v.type ?? undefined, 'type');
  compare('region', v.region ?? undefined, 'region');
  compare('address', v.address, 'address');
  compare('website', v.website, 'website');
  compare('description', v.description, 'description');
  if (v.growth_tiers !== undefined && !sameSet(v.growth_tiers, existing.growth_tiers)) {
    set.growth_tiers = v.growth_tiers;
    changes.push(orgHeader('growth_tiers'));
  }
  compare('mkj_id', v.mkj_id ?? undefined, 'mkj_id');
  compare('mkj_url', v.mkj_url ?? undefined, 'mkj_url');
  let fieldCodes: string[] | null = null;
  if (v.fields !== undefined && !sameSet(v.fields, existing.fieldCodes)) {
    fieldCodes = v.fields;
    changes.push(orgHeader('fields'));
  }
  return { set, fieldCodes, changes };
}

/* ---------- applying ---------- */

export type ApplyResult =
  | { ok: true; counts: Counts; written: boolean }
  | { ok: false; issues: ImportIssue[] }
  | { ok: false; stale: true; plan: ImportPlan };

export interface ApplyOptions {
  actor: { userId: number | null; ip: string | null };
  ttlDays: number;
  now?: Date;
  /** For the audit row. */
  file?: { name: string; sha256: string };
  /** Rows written so far, of all rows to write. */
  onProgress?: (done: number, total: number) => void;
}

/** Same for every import: concurrent imports queue behind each other. */
const IMPORT_LOCK_KEY = 8_260_001;
/** Rows per INSERT: at most 500 listings × ~50 columns stays well under PostgreSQL's 65,535 parameters. */
const BATCH = 500;

/**
 * Applies a plan in one transaction: plans the same file again inside it (stored rows locked) and refuses when the
 * result differs from `plan` (the data changed since the preview) or has any error. A plan with nothing to write
 * writes nothing at all (not even an audit row): importing the same file again leaves the database as it was.
 */
export async function applyImport(
  db: Kysely<Database>,
  plan: ImportPlan,
  options: ApplyOptions,
): Promise<ApplyResult> {
  if (plan.issues.length) return { ok: false, issues: plan.issues };
  if (writeCount(plan) === 0) return { ok: true, counts: plan.counts, written: false };
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY})`.execute(trx);
    const fresh = await planImport(trx, plan.source, { lock: true });
    if (fresh.issues.length) return { ok: false, issues: fresh.issues } as const;
    if (fresh.fingerprint !== plan.fingerprint) return { ok: false, stale: true, plan: fresh } as const;
    await write(trx, fresh, options, writeCount(fresh));
    return { ok: true, counts: fresh.counts, written: true } as const;
  });
}

/**
 * Plan and apply in one pass, without a preview to compare with (the CLI): the plan is made inside the
 * transaction with the stored rows locked, and written only when it has no error. Returns the plan for the report.
 */
export async function importRows(
  db: Kysely<Database>,
  source: ImportRows,
  options: ApplyOptions & { onPlanProgress?: (done: number, total: number) => void },
): Promise<{ plan: ImportPlan; result: ApplyResult }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY})`.execute(trx);
    const plan = await planImport(trx, source, { lock: true, onProgress: options.onPlanProgress });
    if (plan.issues.length) return { plan, result: { ok: false, issues: plan.issues } as const };
    const total = writeCount(plan);
    if (total > 0) await write(trx, plan, options, total);
    return { plan, result: { ok: true, counts: plan.counts, written: total > 0 } as const };
  });
}

/** The records a plan writes. */
export function writeCount(plan: Pick<ImportPlan, 'writes'>): number {
  const w = plan.writes;
  return w.orgCreates.length + w.orgUpdates.length + w.listingCreates.length + w.listingUpdates.length;
}

async function write(trx: Kysely<Database>, plan: ImportPlan, options: ApplyOptions, total: number) {
  const now = options.now ?? new Date();
  const { userId, ip } = options.actor;
  const w = plan.writes;
  let done = 0;
  const progress = (n: number) => {
    done += n;
    options.onProgress?.(done, total);
  };
  const fieldIds = new Map(
    (await trx.selectFrom('field').select(['id', 'code']).execute()).map((f) => [f.code, f.id]),
  );
  const ids = (codes: readonly string[]) => codes.map((c) => fieldIds.get(c)!);
  const audits: {
    actor_user_id: number | null;
    ip: string | null;
    action: string;
    entity_type: string | null;
    entity_id: string | null;
    details: Record<string, unknown>;
  }[] = [];
  const auditRow = (action: string, type: string, id: number, details: Record<string, unknown>) =>
    audits.push({
      actor_user_id: userId,
      ip,
      action,
      entity_type: type,
      entity_id: String(id),
      details: JSON.stringify(details) as unknown as Record<string, unknown>,
    });

  /* organisations */
  const orgIdByRef = new Map<number, number>();
  for (const part of chunks(w.orgCreates, BATCH)) {
    const inserted = await trx
      .insertInto('organisation')
      .values(
        part.map((c) => ({
          ...c.columns,
          verification: 'verified' as const,
          verification_note: mz.common.verifiedByImport,
          verified_at: now,
          updated_at: now,
        })),
      )
      .returning(['id', 'uscc', 'mkj_id'])
      .execute();
    const byKey = new Map<string, number>();
    for (const r of inserted) {
      if (r.uscc) byKey.set(`uscc:${r.uscc.trim()}`, r.id);
      if (r.mkj_id) byKey.set(`mkj:${r.mkj_id}`, r.id);
    }
    part.forEach((c) => {
      const id = byKey.get(c.columns.uscc ? `uscc:${c.columns.uscc}` : `mkj:${c.columns.mkj_id}`)!;
      orgIdByRef.set(c.ref, id);
      auditRow('mkj.import.organisation.create', 'organisation', id, {
        line: c.line,
        mkj_id: c.columns.mkj_id,
      });
    });
    const links = part.flatMap((c) =>
      ids(c.fieldCodes).map((field_id) => ({ organisation_id: orgIdByRef.get(c.ref)!, field_id })),
    );
    for (const linkPart of chunks(links, BATCH * 4))
      await trx.insertInto('organisation_field').values(linkPart).execute();
    progress(part.length);
  }
  const renamed: number[] = [];
  for (const u of w.orgUpdates) {
    await trx
      .updateTable('organisation')
      .set({ ...u.set, updated_at: now })
      .where('id', '=', u.id)
      .execute();
    if (u.fieldCodes) {
      await trx.deleteFrom('organisation_field').where('organisation_id', '=', u.id).execute();
      if (u.fieldCodes.length)
        await trx
          .insertInto('organisation_field')
          .values(ids(u.fieldCodes).map((field_id) => ({ organisation_id: u.id, field_id })))
          .execute();
    }
    if (u.renamed) renamed.push(u.id);
    auditRow('mkj.import.organisation.update', 'organisation', u.id, { line: u.line, changes: u.changes });
    progress(1);
  }

  /* listings */
  const events: {
    listing_id: number;
    type: string;
    from_status: string | null;
    to_status: string;
    actor_user_id: number | null;
    note: string | null;
  }[] = [];
  const changedListings: number[] = [];
  const expiresAt = expiryFrom(now, options.ttlDays);
  for (const part of chunks(w.listingCreates, BATCH)) {
    const values: NewListing[] = part.map((c) => ({
      ...c.columns,
      kind: c.kind,
      status: 'published',
      organisation_id: c.organisationId ?? orgIdByRef.get(c.organisationRef!)!,
      created_by: userId,
      submitted_at: now,
      published_at: now,
      expires_at: expiresAt,
      mkj_id: c.mkj_id,
      mkj_url: c.mkj_url,
      updated_at: now,
      approved_snapshot: JSON.stringify(
        reviewedSnapshot(c.columns as Record<string, unknown>, c.fieldCodes),
      ) as unknown as Record<string, unknown>,
    }));
    const inserted = await trx
      .insertInto('listing')
      .values(values)
      .returning(['id', 'organisation_id', 'title'])
      .execute();
    // Organisation + title is unique among one import's new listings (a repeat is a duplicate-row error).
    const byKey = new Map(inserted.map((r) => [`${r.organisation_id}\u0001${r.title}`, r.id]));
    const links: { listing_id: number; field_id: number }[] = [];
    part.forEach((c, i) => {
      const id = byKey.get(`${values[i]!.organisation_id}\u0001${values[i]!.title}`)!;
      changedListings.push(id);
      for (const field_id of ids(c.fieldCodes)) links.push({ listing_id: id, field_id });
      events.push({
        listing_id: id,
        type: 'imported',
        from_status: null,
        to_status: 'published',
        actor_user_id: userId,
        note: c.mkj_id,
      });
      auditRow('mkj.import.listing.create', 'listing', id, { line: c.line, mkj_id: c.mkj_id });
    });
    for (const linkPart of chunks(links, BATCH * 4))
      await trx.insertInto('listing_field').values(linkPart).execute();
    progress(part.length);
  }
  for (const u of w.listingUpdates) {
    await trx
      .updateTable('listing')
      .set({
        ...(u.set as ListingSet),
        version: u.version + 1,
        updated_at: now,
        approved_snapshot: JSON.stringify(u.snapshot) as unknown as Record<string, unknown>,
      })
      .where('id', '=', u.id)
      .execute();
    if (u.fieldCodes) {
      await trx.deleteFrom('listing_field').where('listing_id', '=', u.id).execute();
      await trx
        .insertInto('listing_field')
        .values(ids(u.fieldCodes).map((field_id) => ({ listing_id: u.id, field_id })))
        .execute();
    }
    changedListings.push(u.id);
    events.push({
      listing_id: u.id,
      type: 'import_updated',
      from_status: 'published',
      to_status: 'published',
      actor_user_id: userId,
      note: u.changes.join(zhCN.listSeparator),
    });
    auditRow('mkj.import.listing.update', 'listing', u.id, { line: u.line, changes: u.changes });
    progress(1);
  }

  /* a renamed organisation's live listings show the new name in search */
  const reindex = new Set(changedListings);
  for (const part of chunks(renamed, LOOKUP_CHUNK)) {
    const rows = await trx
      .selectFrom('listing')
      .select('id')
      .where('organisation_id', 'in', part)
      .where('status', '=', 'published')
      .execute();
    for (const r of rows) reindex.add(r.id);
  }

  for (const part of chunks(events, BATCH * 2)) await trx.insertInto('listing_event').values(part).execute();
  audits.push({
    actor_user_id: userId,
    ip,
    action: 'mkj.import',
    entity_type: null,
    entity_id: null,
    details: JSON.stringify({
      file: options.file?.name ?? null,
      sha256: options.file?.sha256 ?? null,
      format: plan.source.format,
      counts: plan.counts,
    }) as unknown as Record<string, unknown>,
  });
  for (const part of chunks(audits, BATCH * 2)) await trx.insertInto('audit_log').values(part).execute();
  const outbox = [...reindex].map((id) => ({
    topic: 'search',
    aggregate_type: 'listing',
    aggregate_id: String(id),
    payload: '{}' as unknown as Record<string, unknown>,
  }));
  for (const part of chunks(outbox, BATCH * 2)) await trx.insertInto('outbox').values(part).execute();
}
