import type { LoaderFunctionArgs } from '@remix-run/node';
import ExcelJS from 'exceljs';
import { zhCN } from '../../i18n/zh-CN.ts';
import { requirePermission } from '../../server/auth.server.ts';
import { badRequest } from '../../server/responses.ts';
import { formatDateTime } from '../../ui/format.ts';
import {
  type AgencyLeagueRow,
  type LeagueFigures,
  type ManagerLeagueRow,
  type Period,
  parsePeriod,
  periodRange,
} from './rules.ts';
import { loadLeague } from './statistics.server.ts';

/*
 * GET /bureau/dashboard/evaluation.xlsx?from=YYYY-MM&to=YYYY-MM (or ?quarter=2026Q3): the evaluation data of a
 * period for bureau staff — sheets 技术经理人 and 服务机构 (the dashboard's league tables, numbers as numbers) and
 * 说明 (the period, the time zone and what each column counts). A bad period is a 400 with a Chinese message.
 */

const s = zhCN.statistics;
const l = s.dashboard.league;
const x = s.xlsx;
const CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };

function addSheet(workbook: ExcelJS.Workbook, name: string, columns: { header: string; width: number }[]) {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.fill = HEADER_FILL;
  header.height = 30;
  return sheet;
}

/** The figures of a row in the sheets' column order (median hours to one decimal, blank when none). */
function figureCells(f: LeagueFigures): ExcelJS.CellValue[] {
  return [
    f.matches,
    f.contracts,
    f.registeredWan,
    f.enterprises,
    f.medianResponseHours === null ? null : Math.round(f.medianResponseHours * 10) / 10,
    f.responses,
    f.minutes,
  ];
}

const FIGURE_COLUMNS = [
  { header: l.matches, width: 12 },
  { header: l.contracts, width: 12 },
  { header: l.registered, width: 16 },
  { header: l.enterprises, width: 12 },
  { header: l.response, width: 16 },
  { header: l.responses, width: 12 },
  { header: l.minutes, width: 14 },
];

export async function evaluationXlsx(
  league: { managers: ManagerLeagueRow[]; agencies: AgencyLeagueRow[] },
  period: Period,
  now: Date,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.title = x.title;
  workbook.subject = `${x.title}（${period.label}）`;
  workbook.creator = zhCN.site.owner;
  workbook.company = zhCN.site.owner;
  workbook.created = now;
  workbook.modified = now;

  const managers = addSheet(workbook, x.sheet.managers, [
    { header: l.rank, width: 8 },
    { header: l.name, width: 12 },
    { header: l.grade, width: 8 },
    { header: l.agency, width: 30 },
    ...FIGURE_COLUMNS,
  ]);
  league.managers.forEach((m, i) => {
    managers.addRow([i + 1, m.name, m.grade ? s.grade[m.grade] : null, m.agencyName, ...figureCells(m)]);
  });

  const agencies = addSheet(workbook, x.sheet.agencies, [
    { header: l.rank, width: 8 },
    { header: l.agencyName, width: 30 },
    { header: l.rating, width: 10 },
    { header: l.managerCount, width: 12 },
    ...FIGURE_COLUMNS,
  ]);
  league.agencies.forEach((a, i) => {
    agencies.addRow([i + 1, a.name, a.rating ? s.rating[a.rating] : null, a.managerCount, ...figureCells(a)]);
  });
  for (const sheet of [managers, agencies]) {
    sheet.getColumn(7).numFmt = '#,##0.00';
    sheet.getColumn(9).numFmt = '0.0';
  }

  const range = periodRange(period);
  const notes = addSheet(workbook, x.sheet.notes, [
    { header: x.notes.item, width: 18 },
    { header: x.notes.value, width: 100 },
  ]);
  notes.addRow([x.notes.period, x.notes.periodValue(period.label, range.startDate, range.lastDate)]);
  notes.addRow([x.notes.generated, formatDateTime(now)]);
  notes.addRow([x.notes.timeZone, x.notes.timeZoneValue]);
  notes.addRow([x.notes.source, x.notes.sourceValue]);
  notes.addRow([x.notes.order, x.notes.orderValue]);
  for (const [term, definition] of s.definitions) notes.addRow([term, definition]);
  notes.getColumn(2).alignment = { wrapText: true, vertical: 'top' };

  const data = await workbook.xlsx.writeBuffer();
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `attachment; filename="helin-evaluation-2025-12-2026-11.xlsx"; filename*=UTF-8''…` (RFC 6266 / 5987). */
export function evaluationDisposition(period: Period): string {
  const ascii = `helin-evaluation-${period.from}-${period.to}.xlsx`;
  const name = `${x.fileName(period.from, period.to)}.xlsx`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

/** GET /bureau/dashboard/evaluation.xlsx — bureau staff only. */
export async function evaluationExportLoader(
  { request, context }: LoaderFunctionArgs,
  now: Date = new Date(),
): Promise<Response> {
  await requirePermission(request, context, 'read:bureau-area:any');
  const parsed = parsePeriod(new URL(request.url).searchParams, now);
  if (!parsed.ok) return badRequest(s.errors.badPeriod);
  const league = await loadLeague(context.db, parsed.period);
  const body = await evaluationXlsx(league, parsed.period, now);
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': CONTENT_TYPE,
      'Content-Disposition': evaluationDisposition(parsed.period),
      'Cache-Control': 'private, no-store',
    },
  });
}
