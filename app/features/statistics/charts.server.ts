import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

/*
 * Charts drawn on the server: ECharts' server-side SVG renderer (echarts.init(null, null, { renderer: 'svg',
 * ssr: true, width, height }) → renderToSVGString()) turns our numbers into an SVG string that the page inlines,
 * so the charts show without JavaScript. Pure: data in, SVG text out.
 *
 * The page's Content-Security-Policy allows no inline styles, so the SVG is cleaned before use: the <style>
 * block ECharts adds for hover effects is dropped and every style="…" attribute becomes presentation attributes
 * (font-size="12px" …). Text is escaped by ECharts (&lt; &amp; &quot;); cleanSvg refuses output that still holds
 * a script, an event handler or a link. Fonts: the site's (app/styles/app.css); colours: calm, from the palette of
 * the listing kinds.
 */

echarts.use([BarChart, GridComponent, LegendComponent, SVGRenderer]);

/** The site's font stack (app/styles/app.css --font), unquoted: it ends up in an SVG attribute. */
export const CHART_FONT =
  'PingFang SC, Microsoft YaHei, Noto Sans CJK SC, Source Han Sans SC, system-ui, sans-serif';
/** Calm colours: the kinds' brand blue, green and brown first, then softer tones. */
export const CHART_COLORS = [
  '#1d4f91',
  '#2f6b3a',
  '#8a4b08',
  '#5b7fa6',
  '#7a9a5e',
  '#b98a4e',
  '#6b7480',
  '#8c6d9c',
];
const INK = '#1f2933';
const INK_SOFT = '#52606d';
const LINE = '#d9e2ec';

export interface ChartSeries {
  name: string;
  values: readonly number[];
  color?: string;
}

export interface BarChartInput {
  categories: readonly string[];
  series: readonly ChartSeries[];
  /** Categories down the side, bars to the right (long Chinese labels). */
  horizontal?: boolean;
  /** Stack the series (parts of a whole), otherwise side by side. */
  stacked?: boolean;
  /** One colour per category (single series). */
  categoryColors?: readonly string[];
  /** Write each bar's value beside it. */
  valueLabels?: boolean;
  /** Whole numbers only on the value axis (counts). */
  integers?: boolean;
  width?: number;
  height?: number;
}

const PRESENTATION = new Set([
  'font-size',
  'font-family',
  'font-weight',
  'font-style',
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-opacity',
  'stroke-width',
  'opacity',
]);

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** style="font-size:12px;font-family:…" → font-size="12px" font-family="…" (presentation attributes only). */
function styleToAttributes(css: string): string {
  return css
    .split(';')
    .map((declaration) => {
      const colon = declaration.indexOf(':');
      if (colon < 0) return '';
      const property = declaration.slice(0, colon).trim().toLowerCase();
      const value = declaration.slice(colon + 1).trim();
      return PRESENTATION.has(property) && value ? ` ${property}="${escapeAttribute(value)}"` : '';
    })
    .join('');
}

/**
 * Makes ECharts' SVG fit the site: no <style> element, no style / class / event attributes, hidden from
 * assistive technology (the figure around it carries role="img" and the summary). Throws on anything active.
 */
export function cleanSvg(raw: string): string {
  const svg = raw
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/ style="([^"]*)"/g, (_, css: string) => styleToAttributes(css))
    .replace(/ class="[^"]*"/g, '')
    .replace(/ ecmeta_[a-z_]+="[^"]*"/g, '')
    .replace(/ pointer-events="[^"]*"/g, '')
    // One font-family on the root instead of one per text element (inherited).
    .replace(/ font-family="[^"]*"/g, '')
    .replace(
      /^<svg /,
      `<svg aria-hidden="true" focusable="false" font-family="${escapeAttribute(CHART_FONT)}" `,
    )
    .replace(/\n+/g, '')
    .trim();
  if (
    !svg.startsWith('<svg ') ||
    /<script|<foreignObject|<a[\s>]|\son[a-z]+\s*=|javascript:|href=/i.test(svg)
  ) {
    throw new Error('cleanSvg: unexpected content in the chart');
  }
  return svg;
}

/** A bar chart as an SVG string (server-side rendering, no animation, no interaction). */
export function barChart(input: BarChartInput): string {
  const horizontal = input.horizontal ?? false;
  const width = input.width ?? 640;
  const height = input.height ?? (horizontal ? Math.max(160, input.categories.length * 28 + 60) : 320);
  const legend = input.series.length > 1;
  const categoryAxis = {
    type: 'category' as const,
    data: [...input.categories],
    inverse: horizontal,
    axisTick: { show: false },
    axisLine: { lineStyle: { color: LINE } },
    axisLabel: {
      color: INK_SOFT,
      fontSize: 12,
      interval: horizontal ? 0 : ('auto' as const),
      hideOverlap: true,
    },
  };
  const valueAxis = {
    type: 'value' as const,
    minInterval: input.integers ? 1 : 0,
    axisLabel: { color: INK_SOFT, fontSize: 12 },
    splitLine: { lineStyle: { color: '#e4e7eb' } },
  };
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      silent: true,
      aria: { enabled: false },
      color: CHART_COLORS,
      textStyle: { fontFamily: CHART_FONT, fontSize: 12, color: INK },
      legend: legend
        ? {
            top: 0,
            left: 'center',
            itemWidth: 14,
            itemHeight: 10,
            textStyle: { color: INK, fontFamily: CHART_FONT, fontSize: 12 },
          }
        : { show: false },
      grid: { left: 8, right: horizontal ? 48 : 16, top: legend ? 36 : 16, bottom: 8 },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: input.series.map((series, s) => ({
        type: 'bar',
        name: series.name,
        stack: input.stacked ? 'total' : undefined,
        barMaxWidth: 36,
        silent: true,
        emphasis: { disabled: true },
        itemStyle: { color: series.color ?? CHART_COLORS[s % CHART_COLORS.length] },
        label: {
          show: input.valueLabels ?? false,
          position: input.stacked ? 'inside' : horizontal ? 'right' : 'top',
          color: input.stacked ? '#ffffff' : INK,
          fontSize: 12,
          fontFamily: CHART_FONT,
          formatter: (p: { value: unknown }) =>
            Number(p.value) === 0 && input.stacked ? '' : String(p.value),
        },
        data: series.values.map((value, i) =>
          input.categoryColors && input.series.length === 1
            ? { value, itemStyle: { color: input.categoryColors[i % input.categoryColors.length] } }
            : value,
        ),
      })),
    });
    return cleanSvg(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}
