import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { zhCN } from '../../i18n/zh-CN.ts';
import {
  type Cell,
  type ImportFormat,
  type ImportIssue,
  type ImportRows,
  type RawRow,
  type RawTable,
  sheetType,
} from './mapping.ts';

/*
 * The 蒙科聚 file formats (docs/mengkeju.md): reading .csv (UTF-8, with or without BOM), .xlsx (the sheets named
 * 单位/成果/需求/场景, else the first sheet) and .json (an array of objects, or an object of such arrays keyed by
 * sheet name) into raw tables of text cells; writing the same three formats for the export.
 */

const f = zhCN.mkj.import.file;
const mz = zhCN.mkj;

/** The largest file the bureau page accepts (the CLI reads any size). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export function formatOf(fileName: string): ImportFormat | null {
  const m = fileName.toLowerCase().match(/\.(csv|xlsx|json)$/);
  return m ? (m[1] as ImportFormat) : null;
}

function failed(format: ImportFormat, reason: string, line: number | null = null): ImportRows {
  return { format, tables: [], issues: [{ sheet: null, line, column: null, reason }], warnings: [] };
}

/** Reads an uploaded or given file. Problems of the file itself come back as issues (never thrown). */
export async function readImportFile(bytes: Uint8Array, fileName: string): Promise<ImportRows> {
  const format = formatOf(fileName);
  if (!format) return failed('csv', f.unsupported);
  if (bytes.byteLength === 0) return failed(format, f.empty);
  const rows =
    format === 'csv' ? readCsv(bytes) : format === 'xlsx' ? await readXlsx(bytes) : readJson(bytes);
  if (rows.issues.length === 0 && rows.tables.every((t) => t.rows.length === 0))
    rows.issues.push({ sheet: null, line: null, column: null, reason: f.noRows });
  return rows;
}

/* ---------- .csv ---------- */

function csvReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'CSV_QUOTE_NOT_CLOSED') return f.csvBroken(f.csvQuote);
  if (code === 'CSV_INVALID_CLOSING_QUOTE') return f.csvBroken(f.csvClosingQuote);
  return f.csvBroken(String((error as Error).message ?? error));
}

/**
 * UTF-8 only (a file saved as GBK is refused with a hint rather than read as mojibake). Line numbers are the
 * record's first line in the file: a cell with line breaks spans several lines.
 */
export function readCsv(bytes: Uint8Array): ImportRows {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return failed('csv', f.notUtf8);
  }
  text = text.replace(/^\uFEFF/, '');
  let records: { record: string[]; raw: string }[];
  try {
    records = parseCsv(text, { relax_column_count: true, raw: true }) as unknown as {
      record: string[];
      raw: string;
    }[];
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    return failed('csv', csvReason(error), typeof lines === 'number' ? lines : null);
  }
  const table: RawTable = { sheet: null, headers: [], rows: [] };
  // The records' raw text, one after the other, is the file: follow it to know each record's first line (the raw
  // text holds the line break after a record or not, depending on the line ending).
  let line = 1;
  let pos = 0;
  records.forEach(({ record, raw }, i) => {
    if (i === 0) table.headers = record.map((h) => h.trim());
    else table.rows.push({ line, cells: record });
    const start = text.startsWith(raw, pos) ? pos : text.indexOf(raw, pos);
    const end = start < 0 ? pos : start + raw.length;
    line += text.slice(pos, end).split('\n').length - 1;
    pos = end;
    if (text.startsWith('\r\n', pos)) pos += 2;
    else if (text[pos] === '\n' || text[pos] === '\r') pos += 1;
    else return;
    line += 1;
  });
  return { format: 'csv', tables: records.length ? [table] : [], issues: [], warnings: [] };
}

/* ---------- .xlsx ---------- */

/** A calendar date as Excel keeps it (midnight UTC) → YYYY-MM-DD. */
function dateText(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Any exceljs cell value as the text a person sees. */
export function xlsxCellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? mz.common.yes : mz.common.no;
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText))
      return value.richText.map((r) => r.text).join('');
    if ('hyperlink' in value) {
      const t = (value as { text?: unknown }).text;
      return typeof t === 'string' ? t : xlsxCellText(t as ExcelJS.CellValue);
    }
    if ('result' in value) return xlsxCellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('error' in value) return '';
  }
  return String(value);
}

function sheetTable(sheet: ExcelJS.Worksheet): RawTable {
  const headerRow = sheet.getRow(1);
  const width = headerRow.cellCount;
  const headers: string[] = [];
  for (let c = 1; c <= width; c++) headers.push(xlsxCellText(headerRow.getCell(c).value).trim());
  const rows: RawRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(xlsxCellText(row.getCell(c).value));
    rows.push({ line: number, cells });
  });
  return { sheet: sheet.name, headers, rows };
}

export async function readXlsx(bytes: Uint8Array): Promise<ImportRows> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
  } catch {
    return failed('xlsx', f.xlsxBroken);
  }
  const sheets = workbook.worksheets;
  const named = sheets.filter((s) => sheetType(s.name));
  const warnings: string[] = [];
  if (named.length && named.length < sheets.length)
    warnings.push(
      mz.import.warnings.ignoredSheets(
        sheets
          .filter((s) => !named.includes(s))
          .map((s) => s.name)
          .join(zhCN.listSeparator),
      ),
    );
  const chosen = named.length ? named : sheets.slice(0, 1);
  if (chosen.length === 0) return failed('xlsx', f.noTable);
  return { format: 'xlsx', tables: chosen.map(sheetTable), issues: [], warnings };
}

/* ---------- .json ---------- */

function jsonCellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? mz.common.yes : mz.common.no;
  if (Array.isArray(value)) return value.map(jsonCellText).join('\n');
  return JSON.stringify(value);
}

function jsonTable(sheet: string | null, items: unknown[], issues: ImportIssue[]): RawTable {
  const headers: string[] = [];
  const seen = new Set<string>();
  for (const item of items)
    if (item && typeof item === 'object' && !Array.isArray(item))
      for (const key of Object.keys(item))
        if (!seen.has(key)) {
          seen.add(key);
          headers.push(key);
        }
  const rows: RawRow[] = [];
  items.forEach((item, i) => {
    const line = i + 2;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      issues.push({ sheet, line, column: null, reason: f.jsonRow });
      return;
    }
    const record = item as Record<string, unknown>;
    rows.push({ line, cells: headers.map((h) => jsonCellText(record[h])) });
  });
  return { sheet, headers, rows };
}

/** Line numbers: array index + 2, the same as the row of the same record in a .csv or .xlsx. */
export function readJson(bytes: Uint8Array): ImportRows {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return failed('json', f.jsonBroken((error as Error).message));
  }
  const issues: ImportIssue[] = [];
  if (Array.isArray(data))
    return { format: 'json', tables: [jsonTable(null, data, issues)], issues, warnings: [] };
  if (data && typeof data === 'object') {
    const entries = Object.entries(data as Record<string, unknown>);
    if (entries.length > 0 && entries.every(([, v]) => Array.isArray(v)))
      return {
        format: 'json',
        tables: entries.map(([key, v]) => jsonTable(key, v as unknown[], issues)),
        issues,
        warnings: [],
      };
  }
  return failed('json', f.jsonShape);
}

/* ---------- writing (export) ---------- */

export interface ExportSheet {
  name: string;
  headers: string[];
  rows: Cell[][];
  /** Excel column widths in characters. */
  widths?: number[];
}

/**
 * A text cell that a spreadsheet would read as a formula (= + - @ tab CR first) gets a leading apostrophe (OWASP
 * "CSV injection"); the import takes it off again (cleanCell).
 */
function guard(value: Cell): Cell {
  if (value === null) return '';
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(value)) return `'${value}`;
  return value;
}

/** UTF-8 with a BOM (Excel then reads Chinese right), CRLF lines, one header row. */
export function writeCsv(sheet: ExportSheet): string {
  return stringify([sheet.headers, ...sheet.rows.map((r) => r.map(guard))], {
    bom: true,
    record_delimiter: 'windows',
  });
}

/** An array of objects keyed by the same column headers (empty cells: null). */
export function writeJson(sheet: ExportSheet): string {
  const items = sheet.rows.map((row) => Object.fromEntries(sheet.headers.map((h, i) => [h, row[i] ?? null])));
  return `${JSON.stringify(items, null, 1)}\n`;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };

/** One sheet per ExportSheet: bold frozen header row with a filter; text cells stay text (ids, codes). */
export async function writeXlsx(sheets: readonly ExportSheet[], title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.title = title;
  workbook.creator = zhCN.site.owner;
  workbook.company = zhCN.site.owner;
  workbook.created = new Date();
  for (const s of sheets) {
    const sheet = workbook.addWorksheet(s.name, {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
    });
    sheet.columns = s.headers.map((header, i) => ({
      header,
      width: s.widths?.[i] ?? Math.min(40, Math.max(10, header.length * 2 + 2)),
      style: { alignment: { vertical: 'top', wrapText: true } },
    }));
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.fill = HEADER_FILL;
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, s.headers.length) } };
    for (const row of s.rows) sheet.addRow(row.map((c) => (c === null ? null : c)));
  }
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
