import { createHash } from 'node:crypto';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { Feed } from 'feed';
import type { ChainAction, EditionSection, ListingKind } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { jsonError, notFound, siteOrigin } from '../../server/responses.ts';
import { formatDate, formatDateTime } from '../../ui/format.ts';
import { listPublishedEditions, loadPublishedEdition } from './editions.server.ts';
import {
  type EditionEntryView,
  editionParamsSchema,
  editionPath,
  groupEntries,
  type LiveState,
} from './rules.ts';

/*
 * Exports of a published supply–demand list (issue 6, item 5), documented in docs/api.md ("场景供需清单 exports"):
 * .xlsx (one sheet per section, plus 勘误 when there are errata), .csv (UTF-8 with BOM, for Excel), .json (stable
 * English keys) and the Atom feed of all published editions. The builders are pure apart from the libraries; the
 * loader bodies at the end parse the address, load, build and answer with caching headers.
 *
 * Every format shows the same rows (`editionRows`): the entries' snapshots (what was public when the edition was
 * published, decision 0003) in the page's order (section → chain action → field → position), with the listing's
 * state now (a withdrawn listing keeps its row, marked 已撤回).
 */

const zh = zhCN.editions;

/** What the builders need of an edition: `loadPublishedEdition`'s result has this shape. */
export interface ExportableEdition {
  edition: {
    year: number;
    number: number;
    title: string;
    period_start: string | null;
    period_end: string | null;
    introduction: string;
    published_at: Date | null;
  };
  entries: readonly EditionEntryView[];
  errata: readonly { body: string; published_at: Date }[];
}

/* ---------- rows: one home for what an exported entry holds ---------- */

export interface ExportRow {
  section: EditionSection;
  /** 序号: 1, 2, … within the section, in the order of the edition page. */
  position: number;
  chainAction: ChainAction;
  fieldName: string | null;
  listingId: number;
  kind: ListingKind;
  title: string;
  summary: string;
  /** The publishing organisation, null when the snapshot hides it (confidential detail). */
  organisation: string | null;
  region: string;
  trl: number | null;
  /** 万元: a demand's budget ceiling, an achievement's price, a scenario's investment. */
  amountWan: number | null;
  note: string;
  /** Absolute URL of the listing's page. */
  url: string;
  state: LiveState;
}

export interface ExportSection {
  section: EditionSection;
  rows: ExportRow[];
}

/** Both sections (需求清单 then 供给清单, empty ones kept), each in the page's order. */
export function editionRows(edition: Pick<ExportableEdition, 'entries'>, origin: string): ExportSection[] {
  return groupEntries(edition.entries).map((group) => {
    const rows: ExportRow[] = [];
    for (const chain of group.chains)
      for (const field of chain.fields)
        for (const entry of field.entries) {
          const doc = entry.doc;
          rows.push({
            section: group.section,
            position: rows.length + 1,
            chainAction: entry.chainAction,
            fieldName: entry.fieldName,
            listingId: entry.listingId,
            kind: doc.kind,
            title: doc.title,
            summary: doc.summary,
            organisation: doc.organisation_name || null,
            region: doc.region,
            trl: doc.trl,
            amountWan: doc.amount_wan,
            note: entry.note,
            url: `${origin}/listings/${entry.listingId}`,
            state: entry.liveState,
          });
        }
    return { section: group.section, rows };
  });
}

/** 当前状态: empty while the listing is live. */
export function stateLabel(state: LiveState): string {
  switch (state) {
    case 'live':
      return '';
    case 'withdrawn':
      return zh.entryWithdrawn;
    case 'expired':
      return zh.entryExpired;
    case 'hidden':
      return zh.entryHidden;
  }
}

type Cell = string | number | null;
type ColumnKey = keyof typeof zh.columns;
interface Column {
  key: ColumnKey;
  /** Excel width in characters (a Chinese character counts about two). */
  width: number;
  wrap?: boolean;
  value: (row: ExportRow) => Cell;
}

/** The columns of the .xlsx sheets and the .csv file, in order; headers from zhCN.editions.columns. */
export const EXPORT_COLUMNS: readonly Column[] = [
  { key: 'position', width: 7, value: (r) => r.position },
  { key: 'chain', width: 7, value: (r) => zhCN.chainAction[r.chainAction] },
  { key: 'field', width: 20, wrap: true, value: (r) => r.fieldName ?? zh.uncategorised },
  { key: 'kind', width: 11, value: (r) => zhCN.kind[r.kind] },
  { key: 'title', width: 36, wrap: true, value: (r) => r.title },
  { key: 'summary', width: 60, wrap: true, value: (r) => r.summary },
  { key: 'organisation', width: 28, wrap: true, value: (r) => r.organisation ?? '' },
  { key: 'region', width: 14, value: (r) => r.region },
  { key: 'trl', width: 12, value: (r) => r.trl },
  { key: 'amount', width: 24, value: (r) => r.amountWan },
  { key: 'note', width: 30, wrap: true, value: (r) => r.note },
  { key: 'link', width: 40, value: (r) => r.url },
  { key: 'status', width: 10, value: (r) => stateLabel(r.state) },
];

export function exportHeaders(): string[] {
  return EXPORT_COLUMNS.map((c) => zh.columns[c.key]);
}

function publishedAt(edition: ExportableEdition): Date {
  return edition.edition.published_at ?? new Date(0);
}

/** The later of the publication and the newest erratum: when the edition last changed. */
function lastChange(published: Date | null, lastErratum: Date | null): Date {
  const p = published?.getTime() ?? 0;
  const e = lastErratum ? new Date(lastErratum).getTime() : 0;
  return new Date(Math.max(p, e));
}

/* ---------- .xlsx ---------- */

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
const LINK_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF0563C1' }, underline: true };

function addSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: { header: string; width: number; wrap?: boolean }[],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    },
  });
  sheet.columns = columns.map((c) => ({
    header: c.header,
    width: c.width,
    style: { alignment: { vertical: 'top', wrapText: c.wrap ?? false } },
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.fill = HEADER_FILL;
  header.height = 22;
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return sheet;
}

/**
 * The workbook: sheets 需求清单 and 供给清单 (always, a header row at least), and 勘误 when there are errata.
 * Bold, frozen header row with a filter; numbers (序号, TRL, 万元) as numbers; links as hyperlinks; the title,
 * publisher and publication date in the workbook's properties.
 */
export async function toXlsx(edition: ExportableEdition, origin: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const published = publishedAt(edition);
  const lastErratum = edition.errata.at(-1)?.published_at ?? null;
  workbook.title = edition.edition.title;
  workbook.subject = zh.title;
  workbook.creator = zhCN.site.owner;
  workbook.lastModifiedBy = zhCN.site.owner;
  workbook.company = zhCN.site.owner;
  workbook.keywords = zh.title;
  workbook.description = zh.printHeader(edition.edition.title, formatDate(published));
  workbook.created = published;
  workbook.modified = lastChange(published, lastErratum);

  const columns = EXPORT_COLUMNS.map((c) => ({ header: zh.columns[c.key], width: c.width, wrap: c.wrap }));
  const linkIndex = EXPORT_COLUMNS.findIndex((c) => c.key === 'link');
  for (const { section, rows } of editionRows(edition, origin)) {
    const sheet = addSheet(workbook, zh.section[section], columns);
    for (const row of rows) {
      const values: ExcelJS.CellValue[] = EXPORT_COLUMNS.map((c) => c.value(row));
      values[linkIndex] = { text: row.url, hyperlink: row.url };
      sheet.addRow(values);
    }
    sheet.getColumn(linkIndex + 1).eachCell((cell, rowNumber) => {
      if (rowNumber > 1) cell.font = LINK_FONT;
    });
  }
  if (edition.errata.length > 0) {
    const sheet = addSheet(workbook, zh.errata, [
      { header: zh.errataColumns.publishedAt, width: 20 },
      { header: zh.errataColumns.body, width: 100, wrap: true },
    ]);
    for (const erratum of edition.errata) sheet.addRow([formatDateTime(erratum.published_at), erratum.body]);
  }
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/* ---------- .csv ---------- */

/**
 * A text cell that a spreadsheet would read as a formula (=, +, -, @, tab, carriage return first) gets a leading
 * apostrophe (OWASP "CSV injection"); listing titles and summaries are written by the public.
 */
function csvCell(value: Cell): Cell {
  if (value === null) return '';
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(value)) return `'${value}`;
  return value;
}

/** UTF-8 with a BOM (Excel then reads Chinese right), CRLF lines, one header row, the 清单 column first. */
export function toCsv(edition: Pick<ExportableEdition, 'entries'>, origin: string): string {
  const header = [zh.exportSectionColumn, ...exportHeaders()];
  const records = editionRows(edition, origin).flatMap(({ section, rows }) =>
    rows.map((row) => [zh.section[section], ...EXPORT_COLUMNS.map((c) => csvCell(c.value(row)))]),
  );
  return stringify([header, ...records], { bom: true, record_delimiter: 'windows' });
}

/* ---------- .json ---------- */

export interface EditionJsonEntry {
  position: number;
  chain_action: ChainAction;
  field: string | null;
  listing_id: number;
  kind: ListingKind;
  title: string;
  summary: string;
  organisation: string | null;
  region: string;
  trl: number | null;
  amount_wan: number | null;
  note: string;
  url: string;
  state: LiveState;
}

/** The stable JSON shape (docs/api.md): English snake_case keys, codes not labels, ISO 8601 timestamps. */
export interface EditionJson {
  edition: {
    year: number;
    number: number;
    title: string;
    period_start: string | null;
    period_end: string | null;
    introduction: string;
    published_at: string;
    url: string;
  };
  sections: { section: EditionSection; entries: EditionJsonEntry[] }[];
  errata: { body: string; published_at: string }[];
}

export function toJson(edition: ExportableEdition, origin: string): EditionJson {
  const e = edition.edition;
  return {
    edition: {
      year: e.year,
      number: e.number,
      title: e.title,
      period_start: e.period_start,
      period_end: e.period_end,
      introduction: e.introduction,
      published_at: publishedAt(edition).toISOString(),
      url: `${origin}${editionPath(e)}`,
    },
    sections: editionRows(edition, origin).map(({ section, rows }) => ({
      section,
      entries: rows.map((r) => ({
        position: r.position,
        chain_action: r.chainAction,
        field: r.fieldName,
        listing_id: r.listingId,
        kind: r.kind,
        title: r.title,
        summary: r.summary,
        organisation: r.organisation,
        region: r.region,
        trl: r.trl,
        amount_wan: r.amountWan,
        note: r.note,
        url: r.url,
        state: r.state,
      })),
    })),
    errata: edition.errata.map((x) => ({
      body: x.body,
      published_at: new Date(x.published_at).toISOString(),
    })),
  };
}

/* ---------- Atom feed ---------- */

/** What the feed needs of a published edition: a row of `listPublishedEditions`. */
export interface FeedEdition {
  year: number;
  number: number;
  title: string;
  published_at: Date | null;
  last_erratum_at: Date | null;
  demand_count: number | string | null;
  supply_count: number | string | null;
}

/** Atom titles and summaries are declared type="html": escape the text so that it stays text. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Atom 1.0: one entry per published edition, newest first; id and link = the edition page's absolute URL (stable:
 * year and number never change once published); updated = the later of its publication and its newest erratum.
 */
export function editionsFeed(editions: readonly FeedEdition[], origin: string): string {
  const items = [...editions]
    .sort((a, b) => (b.published_at?.getTime() ?? 0) - (a.published_at?.getTime() ?? 0))
    .map((ed) => ({
      url: `${origin}${editionPath(ed)}`,
      title: ed.title,
      published: ed.published_at ?? new Date(0),
      updated: lastChange(ed.published_at, ed.last_erratum_at),
      summary: zh.editionSummary(Number(ed.demand_count ?? 0), Number(ed.supply_count ?? 0)),
    }));
  const feed = new Feed({
    id: `${origin}/lists`,
    title: zh.feedTitle,
    description: zh.feedSubtitle,
    link: `${origin}/lists`,
    feed: `${origin}/lists/feed.atom`,
    language: 'zh-CN',
    updated: new Date(Math.max(0, ...items.map((i) => i.updated.getTime()))),
    author: { name: zhCN.site.owner, link: origin },
    copyright: zhCN.site.owner,
    generator: false,
  });
  for (const item of items)
    feed.addItem({
      id: item.url,
      link: item.url,
      title: escapeHtml(item.title),
      date: item.updated,
      published: item.published,
      description: escapeHtml(item.summary),
    });
  return feed.atom1();
}

/* ---------- loader bodies (resource routes app/routes/lists.*) ---------- */

export type ExportFormat = 'xlsx' | 'csv' | 'json';

export const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
} as const;

/** A published edition changes only by errata (and its entries' live state): five minutes of caching is safe. */
const CACHE_CONTROL = 'public, max-age=300';

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `attachment; filename="helin-edition-2026-1.xlsx"; filename*=UTF-8''2026%E5%B9%B4…` (RFC 6266 / 5987). */
export function exportDisposition(edition: { year: number; number: number }, format: ExportFormat): string {
  const ascii = `helin-edition-${edition.year}-${edition.number}.${format}`;
  const name = `${zh.exportFileName(edition.year, edition.number)}.${format}`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

function weakEtag(parts: readonly unknown[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 27);
  return `W/"${digest}"`;
}

/**
 * The ETag of an export: the edition's publication, its errata and each entry's live state now (a withdrawal
 * changes the 当前状态 column), the origin (absolute links) and the format. Weak: the .xlsx zip differs byte for
 * byte between two builds of the same content.
 */
export function editionEtag(edition: ExportableEdition, origin: string, format: ExportFormat): string {
  return weakEtag([
    format,
    origin,
    edition.edition.year,
    edition.edition.number,
    publishedAt(edition).toISOString(),
    edition.errata.length,
    edition.errata.at(-1)?.published_at ?? null,
    edition.entries.map((x) => [x.id, x.liveState]),
  ]);
}

/** If-None-Match (weak comparison, RFC 9110 §13.1.2): does the client's copy still hold? */
export function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/** GET /lists/:year/:number/edition.{xlsx,csv,json}. Unknown, unpublished or malformed → 404 in Chinese. */
export async function editionExportLoader(
  { request, params, context }: LoaderFunctionArgs,
  format: ExportFormat,
): Promise<Response> {
  const missing = () => (format === 'json' ? jsonError(404, zh.notFound) : notFound(zh.notFound));
  const parsed = editionParamsSchema.safeParse(params);
  if (!parsed.success) return missing();
  const edition = await loadPublishedEdition(context.db, parsed.data.year, parsed.data.number);
  if (!edition) return missing();
  const origin = siteOrigin(context.config, request);
  const etag = editionEtag(edition, origin, format);
  const caching = { ETag: etag, 'Cache-Control': CACHE_CONTROL };
  if (etagMatches(request.headers.get('If-None-Match'), etag))
    return new Response(null, { status: 304, headers: caching });
  const body =
    format === 'xlsx'
      ? new Uint8Array(await toXlsx(edition, origin))
      : format === 'csv'
        ? toCsv(edition, origin)
        : JSON.stringify(toJson(edition, origin));
  return new Response(body, {
    status: 200,
    headers: {
      ...caching,
      'Content-Type': CONTENT_TYPES[format],
      'Content-Disposition': exportDisposition(edition.edition, format),
    },
  });
}

/** GET /lists/feed.atom: every published edition (the newest 500). */
export async function editionsFeedLoader({ request, context }: LoaderFunctionArgs): Promise<Response> {
  const editions = await listPublishedEditions(context.db);
  const origin = siteOrigin(context.config, request);
  const etag = weakEtag([
    'atom',
    origin,
    editions.map((x) => [x.id, x.published_at, x.last_erratum_at, x.demand_count, x.supply_count]),
  ]);
  const caching = { ETag: etag, 'Cache-Control': CACHE_CONTROL };
  if (etagMatches(request.headers.get('If-None-Match'), etag))
    return new Response(null, { status: 304, headers: caching });
  return new Response(editionsFeed(editions, origin), {
    status: 200,
    headers: { ...caching, 'Content-Type': CONTENT_TYPES.atom },
  });
}
