import { zhCN } from '../../../i18n/zh-CN.ts';
import type { ChartView } from '../pages.server.ts';
import { TableWrap } from './table-wrap.tsx';

const s = zhCN.statistics;

/**
 * One chart: its title, the server-drawn SVG in a role="img" box whose aria-label summarises it, a note on what is
 * counted, and the same numbers as a real table right below (visible, so it prints and reads without the chart).
 * The SVG text comes from ECharts with our numbers and labels escaped, cleaned by charts.server.ts cleanSvg.
 */
export function ChartFigure({ chart, level = 3 }: { chart: ChartView; level?: 2 | 3 }) {
  const Heading = level === 2 ? 'h2' : 'h3';
  const headingId = `chart-${chart.id}-title`;
  return (
    <figure className="chart" aria-labelledby={headingId} data-testid={`chart-${chart.id}`}>
      <Heading id={headingId} className="chart__title">
        {chart.title}
      </Heading>
      {chart.svg ? (
        <div
          className="chart__svg"
          role="img"
          aria-label={chart.label}
          // biome-ignore lint/security/noDangerouslySetInnerHtml: SVG drawn on the server by ECharts from our numbers; text escaped, cleaned by cleanSvg.
          dangerouslySetInnerHTML={{ __html: chart.svg }}
        />
      ) : null}
      {chart.note ? <figcaption className="chart__note">{chart.note}</figcaption> : null}
      <DataTable
        table={chart.table}
        caption={`${chart.title}${s.chart.table ? `（${s.chart.table}）` : ''}`}
      />
    </figure>
  );
}

export function DataTable({ table, caption }: { table: ChartView['table']; caption: string }) {
  if (table.rows.length === 0) return <p className="empty">{s.chart.empty}</p>;
  return (
    <TableWrap label={caption}>
      <table className="chart__table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {table.head.map((h, i) => (
              <th key={h} scope="col" className={i > 0 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr key={row.key}>
              {row.cells.map((cell, i) =>
                i === 0 ? (
                  <th key={`h-${row.key}`} scope="row">
                    {cell}
                  </th>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed per table.
                  <td key={i} className="num">
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
        {table.foot ? (
          <tfoot>
            <tr>
              {table.foot.map((cell, i) =>
                i === 0 ? (
                  <th key="foot-h" scope="row">
                    {cell}
                  </th>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed per table.
                  <td key={i} className="num">
                    {cell}
                  </td>
                ),
              )}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </TableWrap>
  );
}
