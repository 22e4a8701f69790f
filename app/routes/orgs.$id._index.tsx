import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { publicProfile } from '../features/orgs/orgs.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { notFound, requireIdParam } from '../server/responses.ts';
import { formatDateIso } from '../ui/format.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const o = zhCN.orgs;

/** Public profile of a verified organisation (others: 404). */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const profile = await publicProfile(context.db, requireIdParam(params.id));
  if (!profile) throw notFound();
  return { profile };
}

export default function OrganisationPage() {
  const { profile: p } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeading title={p.name} lead={p.description} />
      <div className="listing-detail__layout">
        <section className="panel" aria-labelledby="org-listings">
          <h2 id="org-listings">{o.listings}</h2>
          {p.listings.length === 0 ? <p>{o.noListings}</p> : null}
          <ul className="plain-list">
            {p.listings.map((l) => (
              <li key={l.id}>
                <span className="tag">{zhCN.kind[l.kind]}</span>{' '}
                <Link to={`/listings/${l.id}`}>{l.title}</Link>{' '}
                {l.published_at ? <span className="muted">{formatDateIso(l.published_at)}</span> : null}
              </li>
            ))}
          </ul>
        </section>
        <aside className="panel" aria-labelledby="org-facts">
          <h2 id="org-facts">{zhCN.detail.facts}</h2>
          <dl className="facts">
            <div className="facts__row">
              <dt>{o.type}</dt>
              <dd>{zhCN.organisationType[p.type]}</dd>
            </div>
            <div className="facts__row">
              <dt>{o.region}</dt>
              <dd>{p.region}</dd>
            </div>
            {p.fields.length ? (
              <div className="facts__row">
                <dt>{o.fields}</dt>
                <dd>{p.fields.map((f) => f.name).join(zhCN.listSeparator)}</dd>
              </div>
            ) : null}
            {p.growth_tiers.length ? (
              <div className="facts__row">
                <dt>{o.tiers}</dt>
                <dd>{p.growth_tiers.map((t) => zhCN.growthTier[t]).join(zhCN.listSeparator)}</dd>
              </div>
            ) : null}
            {p.agency_rating ? (
              <div className="facts__row">
                <dt>{o.type}</dt>
                <dd>{o.agencyRating[p.agency_rating]}</dd>
              </div>
            ) : null}
            {p.mkj_id ? (
              <div className="facts__row">
                <dt>{o.mkj}</dt>
                <dd data-testid="mkj-id">
                  {p.mkj_url ? (
                    <a href={p.mkj_url} rel="external noopener">
                      {zhCN.detail.mkjLink(p.mkj_id)}
                    </a>
                  ) : (
                    p.mkj_id
                  )}
                </dd>
              </div>
            ) : null}
          </dl>
        </aside>
      </div>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data ? data.profile.name : zhCN.errors.notFoundTitle) },
];
