import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { loadArchive } from '../features/editions/pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.editions;

/** The archive of published editions, by year, newest first; the feed and the subscription are linked here. */
export async function loader({ context }: LoaderFunctionArgs) {
  return loadArchive(context);
}

export default function ListsArchive() {
  const { years } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeading title={t.title} lead={t.intro} />
      <p className="row-links">
        <Link to="/lists/subscribe">{t.subscribe.title}</Link>
        <a href="/lists/feed.atom" type="application/atom+xml">
          {t.feed}
        </a>
      </p>
      {years.length === 0 ? <p className="empty">{t.archiveEmpty}</p> : null}
      {years.map((y) => (
        <section key={y.year} aria-labelledby={`year-${y.year}`} className="panel">
          <h2 id={`year-${y.year}`}>{t.byYear(y.year)}</h2>
          <ul className="plain-list">
            {y.editions.map((e) => (
              <li key={e.id} className="org-row">
                <Link to={`/lists/${e.year}/${e.number}`}>
                  <strong>{e.title}</strong>
                </Link>
                <div className="muted">
                  {t.publishedOn(e.publishedOn)} · {t.editionSummary(e.demand, e.supply)}
                  {e.hasErrata ? ` · ${t.errata}` : null}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

export const meta: MetaFunction = () => [
  { title: pageTitle(t.title) },
  {
    tagName: 'link',
    rel: 'alternate',
    type: 'application/atom+xml',
    title: t.feedTitle,
    href: '/lists/feed.atom',
  },
];
