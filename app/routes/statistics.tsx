import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ChartFigure } from '../features/statistics/components/chart-figure.tsx';
import { PeriodForm } from '../features/statistics/components/period-form.tsx';
import { statisticsPageLoader } from '../features/statistics/pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import statisticsCss from '../styles/statistics.css?url';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const s = zhCN.statistics;

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: statisticsCss }];

/** 数据统计: public live counts and the period's series, every chart drawn on the server with its table. */
export function loader(args: LoaderFunctionArgs) {
  return statisticsPageLoader(args);
}

export default function StatisticsPage() {
  const { period, form, generatedAt, charts } = useLoaderData<typeof loader>();
  const chart = (id: string) => charts.find((c) => c.id === id)!;
  return (
    <>
      <PageHeading title={s.title} lead={s.lead}>
        <p className="muted">{s.generatedAt(generatedAt)}</p>
      </PageHeading>
      <PeriodForm form={form} action="/statistics" label={period.label} />
      <section className="stats-section" aria-labelledby="live-heading">
        <h2 id="live-heading">{s.live.heading}</h2>
        <p className="muted">{s.live.lead}</p>
        <div className="chart-grid chart-grid--two">
          <ChartFigure chart={chart('live-kind')} />
          <ChartFigure chart={chart('live-field')} />
        </div>
      </section>
      <section className="stats-section" aria-labelledby="new-heading">
        <h2 id="new-heading">{s.newPerMonth.heading}</h2>
        <ChartFigure chart={chart('new-month')} />
      </section>
      <section className="stats-section" aria-labelledby="matches-heading">
        <h2 id="matches-heading">{s.matches.heading}</h2>
        <ChartFigure chart={chart('match-state')} />
      </section>
      <section className="stats-section" aria-labelledby="contracts-heading">
        <h2 id="contracts-heading">{s.contracts.heading}</h2>
        <ChartFigure chart={chart('contract-quarter')} />
      </section>
      <section className="stats-section" aria-labelledby="editions-heading">
        <h2 id="editions-heading">{s.editions.heading}</h2>
        <ChartFigure chart={chart('edition-year')} />
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [
  { title: pageTitle(s.title) },
  { name: 'description', content: s.lead },
];
