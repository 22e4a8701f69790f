import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { LISTING_KINDS } from '../../db/schema.ts';
import { homePage } from '../features/listings/listings.server.ts';
import { KIND_SEGMENT } from '../features/listings/rules.ts';
import { HitCard } from '../features/search/components/hit-card.tsx';
import { zhCN } from '../i18n/zh-CN.ts';

export async function loader({ context }: LoaderFunctionArgs) {
  return homePage(context.db, context.search, new Date(), context.logger);
}

export default function Home() {
  const { counts, newest } = useLoaderData<typeof loader>();
  return (
    <>
      <section className="hero">
        <h1>{zhCN.home.title}</h1>
        <p className="lead">{zhCN.home.lead}</p>
        <ul className="stat-tiles" aria-label={zhCN.home.liveCounts}>
          {LISTING_KINDS.map((kind) => (
            <li key={kind}>
              <Link to={`/${KIND_SEGMENT[kind]}`} className="stat-tile">
                <span className="stat-tile__label">{zhCN.kind[kind]}</span>
                <span className="stat-tile__value" data-testid={`count-${kind}`}>
                  {counts[kind]}
                </span>
                <span className="stat-tile__unit">{zhCN.home.countUnit}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="newest-heading">
        <h2 id="newest-heading">{zhCN.home.newest}</h2>
        <div className="listing-grid">
          {newest.map((item) => (
            <HitCard key={item.id} hit={item} />
          ))}
        </div>
      </section>
      <section className="audiences" aria-label={zhCN.site.name}>
        {zhCN.home.forWhom.map((entry) => (
          <div key={entry.who} className="audience">
            <h2>{entry.who}</h2>
            <p>{entry.what}</p>
          </div>
        ))}
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [
  { title: zhCN.site.name },
  { name: 'description', content: zhCN.home.lead },
];
