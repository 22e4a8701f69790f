import type { LoaderFunctionArgs } from '@remix-run/node';
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { z } from 'zod';
import { type Database, LISTING_KINDS, type ListingKind } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { requirePermission } from '../../server/auth.server.ts';
import { badRequest, notFound, siteOrigin } from '../../server/responses.ts';
import { formatDateIso } from '../../ui/format.ts';
import { type ExportSheet, writeCsv, writeJson, writeXlsx } from './files.server.ts';
import {
  type Cell,
  EXPORT_FORMATS,
  EXPORT_WHATS,
  type ExportFormat,
  type ExportListing,
  type ExportWhat,
  LISTING_EXPORT_KEYS,
  type ListingKey,
  listingCells,
  listingHeader,
  listingSheetKeys,
  ORGANISATION_EXPORT_KEYS,
  organisationCells,
} from './mapping.ts';

/*
 * Export for 蒙科聚 (docs/mengkeju.md): the county's verified organisations, its published public listings and its
 * registered technology contracts, as .csv (UTF-8 with BOM), .xlsx or .json, with the import's column names, so
 * that an export of organisations or listings imports back unchanged. Listings whose owners chose a narrower
 * confidentiality (members, staff) stay in the county: their detail is not public. Contact details are never
 * exported.
 */

export { EXPORT_FORMATS, EXPORT_WHATS, type ExportFormat, type ExportWhat };

const mz = zhCN.mkj;
const cols = mz.common.columns;

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/* ---------- rows ---------- */

export async function organisationSheet(db: Kysely<Database>, origin: string): Promise<ExportSheet> {
  const rows = await db
    .selectFrom('organisation as o')
    .selectAll('o')
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('organisation_field as of')
          .innerJoin('field as f', 'f.id', 'of.field_id')
          .select('f.name')
          .whereRef('of.organisation_id', '=', 'o.id')
          .orderBy('f.sort_order')
          .orderBy('f.id'),
      ).as('fields'),
    )
    .where('o.verification', '=', 'verified')
    .orderBy('o.id')
    .execute();
  return {
    name: mz.common.sheets.organisations,
    headers: ORGANISATION_EXPORT_KEYS.map((k) => cols.organisation[k]),
    rows: rows.map((o) => {
      const cells = organisationCells({
        ...o,
        uscc: o.uscc?.trim() ?? null,
        field_names: o.fields.map((f) => f.name),
        site_url: `${origin}/orgs/${o.id}`,
      });
      return ORGANISATION_EXPORT_KEYS.map((k) => cells[k]);
    }),
  };
}

/** Live (published, not past expiry), public listings, oldest first, with their organisation's keys. */
export async function exportListings(
  db: Kysely<Database>,
  origin: string,
  now = new Date(),
): Promise<ExportListing[]> {
  const rows = await db
    .selectFrom('listing as l')
    .innerJoin('organisation as o', 'o.id', 'l.organisation_id')
    .selectAll('l')
    .select(['o.mkj_id as org_mkj_id', 'o.uscc as org_uscc', 'o.name as org_name'])
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('listing_field as lf')
          .innerJoin('field as f', 'f.id', 'lf.field_id')
          .select('f.name')
          .whereRef('lf.listing_id', '=', 'l.id')
          .orderBy('f.sort_order')
          .orderBy('f.id'),
      ).as('fields'),
    )
    .where('l.status', '=', 'published')
    .where('l.expires_at', '>', now)
    .where('l.confidentiality', '=', 'public')
    .orderBy('l.id')
    .execute();
  return rows.map((l) => ({
    ...l,
    field_names: l.fields.map((f) => f.name),
    organisation: { mkj_id: l.org_mkj_id, uscc: l.org_uscc?.trim() ?? null, name: l.org_name },
    published_on: l.published_at ? formatDateIso(l.published_at) : null,
    expires_on: l.expires_at ? formatDateIso(l.expires_at) : null,
    site_url: `${origin}/listings/${l.id}`,
  }));
}

/** One table of every kind (.csv, .json), with 类型 and 名称. */
export function listingTable(listings: readonly ExportListing[]): ExportSheet {
  return {
    name: mz.export.fileName.listings,
    headers: LISTING_EXPORT_KEYS.map((k) => listingHeader(k)),
    rows: listings.map((l) => pick(listingCells(l), LISTING_EXPORT_KEYS)),
  };
}

/** One sheet per kind (.xlsx: 成果, 需求, 场景), each with that kind's columns and title header (成果名称…). */
export function listingKindSheets(listings: readonly ExportListing[]): ExportSheet[] {
  const order: ListingKind[] = ['achievement', 'demand', 'scenario'];
  return order
    .filter((kind) => LISTING_KINDS.includes(kind))
    .map((kind) => {
      const keys = listingSheetKeys(kind);
      return {
        name: mz.common.sheets[kind],
        headers: keys.map((k) => listingHeader(k, kind)),
        rows: listings.filter((l) => l.kind === kind).map((l) => pick(listingCells(l), keys)),
      };
    });
}

function pick(cells: Record<ListingKey, Cell>, keys: readonly ListingKey[]): Cell[] {
  return keys.map((k) => cells[k]);
}

const CONTRACT_KEYS = Object.keys(cols.contract) as (keyof typeof cols.contract)[];

/** Registered contracts: matches registered, in execution or closed that carry registration data. */
export async function contractSheet(db: Kysely<Database>, origin: string): Promise<ExportSheet> {
  const rows = await db
    .selectFrom('match as m')
    .innerJoin('organisation as need', 'need.id', 'm.need_org_id')
    .innerJoin('organisation as offer', 'offer.id', 'm.offer_org_id')
    .leftJoin('listing as nl', 'nl.id', 'm.need_listing_id')
    .leftJoin('listing as ol', 'ol.id', 'm.offer_listing_id')
    .leftJoin('app_user as u', 'u.id', 'm.manager_user_id')
    .select([
      'm.id',
      'm.state',
      'm.mkj_id',
      'm.mkj_url',
      'm.contract_type',
      'm.contract_amount_wan',
      'm.contract_signed_on',
      'm.registration_no',
      'm.certified_amount_wan',
      'm.registered_on',
      'm.registration_office',
      'need.name as need_org',
      'need.uscc as need_uscc',
      'offer.name as offer_org',
      'offer.uscc as offer_uscc',
      'nl.title as need_listing',
      'nl.mkj_id as need_listing_mkj_id',
      'ol.title as offer_listing',
      'ol.mkj_id as offer_listing_mkj_id',
      'u.display_name as manager',
    ])
    .where('m.state', 'in', ['registered', 'in_execution', 'closed'])
    .where('m.registration_no', 'is not', null)
    .orderBy('m.registered_on')
    .orderBy('m.id')
    .execute();
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    name: mz.common.sheets.contracts,
    headers: CONTRACT_KEYS.map((k) => cols.contract[k]),
    rows: rows.map((m) => {
      const cells: Record<keyof typeof cols.contract, Cell> = {
        mkj_id: m.mkj_id,
        match_id: m.id,
        state: zhCN.matching.state[m.state],
        contract_type: m.contract_type ? zhCN.matching.contractType[m.contract_type] : null,
        contract_amount: num(m.contract_amount_wan),
        signed_on: m.contract_signed_on,
        registration_no: m.registration_no,
        certified_amount: num(m.certified_amount_wan),
        registered_on: m.registered_on,
        registration_office: m.registration_office,
        need_org: m.need_org,
        need_uscc: m.need_uscc?.trim() ?? null,
        need_listing: m.need_listing,
        need_listing_mkj_id: m.need_listing_mkj_id,
        offer_org: m.offer_org,
        offer_uscc: m.offer_uscc?.trim() ?? null,
        offer_listing: m.offer_listing,
        offer_listing_mkj_id: m.offer_listing_mkj_id,
        manager: m.manager,
        mkj_url: m.mkj_url,
        site_url: `${origin}/matches/${m.id}`,
      };
      return CONTRACT_KEYS.map((k) => cells[k]);
    }),
  };
}

/* ---------- files ---------- */

export interface ExportFile {
  body: Uint8Array<ArrayBuffer> | string;
  contentType: string;
  /** ASCII file name, e.g. mkj-listings-2026-11-26.xlsx */
  fileName: string;
  /** The Chinese name, e.g. 和林格尔县信息-2026-11-26.xlsx */
  displayName: string;
  rows: number;
}

/** Builds one export file. */
export async function exportFile(
  db: Kysely<Database>,
  what: ExportWhat,
  format: ExportFormat,
  origin: string,
  now = new Date(),
): Promise<ExportFile> {
  const date = formatDateIso(now);
  const title = mz.export.fileTitle(mz.export.fileName[what], date);
  let sheets: ExportSheet[];
  let rows: number;
  if (what === 'listings') {
    const listings = await exportListings(db, origin, now);
    rows = listings.length;
    sheets = format === 'xlsx' ? listingKindSheets(listings) : [listingTable(listings)];
  } else {
    const sheet =
      what === 'organisations' ? await organisationSheet(db, origin) : await contractSheet(db, origin);
    rows = sheet.rows.length;
    sheets = [sheet];
  }
  const body =
    format === 'xlsx'
      ? new Uint8Array(await writeXlsx(sheets, title))
      : format === 'csv'
        ? writeCsv(sheets[0]!)
        : writeJson(sheets[0]!);
  return {
    body,
    contentType: CONTENT_TYPES[format],
    fileName: `mkj-${what}-${date}.${format}`,
    displayName: `${zhCN.site.shortName}-${mz.export.fileName[what]}-${date}.${format}`,
    rows,
  };
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const paramsSchema = z.object({ what: z.enum(EXPORT_WHATS) });
const formatSchema = z.enum(EXPORT_FORMATS).default('csv');

/** GET /bureau/mkj/export/:what?format=csv|xlsx|json (bureau staff). */
export async function mkjExportLoader({ request, params, context }: LoaderFunctionArgs): Promise<Response> {
  await requirePermission(request, context, 'read:bureau-area:any');
  const what = paramsSchema.safeParse(params);
  if (!what.success) return notFound();
  const format = formatSchema.safeParse(new URL(request.url).searchParams.get('format') ?? undefined);
  if (!format.success) return badRequest(mz.export.badFormat);
  const file = await exportFile(context.db, what.data.what, format.data, siteOrigin(context.config, request));
  return new Response(file.body, {
    status: 200,
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="${file.fileName}"; filename*=UTF-8''${encodeRfc5987(file.displayName)}`,
      'Cache-Control': 'no-store',
    },
  });
}
