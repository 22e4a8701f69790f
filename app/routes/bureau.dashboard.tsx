import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { ChartFigure } from '../features/statistics/components/chart-figure.tsx';
import { PeriodForm } from '../features/statistics/components/period-form.tsx';
import { TableWrap } from '../features/statistics/components/table-wrap.tsx';
import { dashboardPageLoader } from '../features/statistics/pages.server.ts';
import { formatAmount, formatHours } from '../features/statistics/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import statisticsCss from '../styles/statistics.css?url';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const s = zhCN.statistics;
const d = s.dashboard;

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: statisticsCss }];

/** 统计与评价: the funnel, response times, overdue items, stale listings and the league tables of a period. */
export function loader(args: LoaderFunctionArgs) {
  return dashboardPageLoader(args);
}

export default function BureauDashboard() {
  const data = useLoaderData<typeof loader>();
  const { period, league } = data;
  return (
    <>
      <PageHeading title={d.title} lead={d.lead}>
        <p className="muted">{s.generatedAt(data.generatedAt)}</p>
      </PageHeading>
      <div className="stats-actions">
        <a className="button" href={`/bureau/dashboard/evaluation.xlsx?${data.query}`} download>
          {d.export}
        </a>
        <Link to="/statistics">{d.publicPage}</Link>
        <a href="#definitions">{d.definitions}</a>
      </div>
      <PeriodForm form={data.form} action="/bureau/dashboard" label={period.label} />

      <section className="stats-section" aria-labelledby="funnel-heading">
        <h2 id="funnel-heading">{d.funnel.heading}</h2>
        <ChartFigure chart={data.funnelChart} />
      </section>

      <section className="stats-section" aria-labelledby="response-heading">
        <h2 id="response-heading">{d.response.heading}</h2>
        {data.responses.answered === 0 ? (
          <p className="empty">{d.response.none}</p>
        ) : (
          <ul className="stats-facts" data-testid="response-facts">
            <li>
              <span className="stats-facts__label">{d.response.median}</span>
              <span className="stats-facts__value" data-testid="response-median">
                {data.responses.median}
              </span>
            </li>
            <li>
              <span className="stats-facts__label">{d.response.answered}</span>
              <span className="stats-facts__value" data-testid="response-answered">
                {s.count(data.responses.answered, s.unit.item)}
              </span>
            </li>
            <li>
              <span className="stats-facts__label">{d.response.onTime}</span>
              <span className="stats-facts__value" data-testid="response-on-time">
                {s.count(data.responses.onTime, s.unit.item)}（{data.responses.onTimeRate}）
              </span>
            </li>
          </ul>
        )}
        <p className="muted">{d.response.note}</p>
      </section>

      <section className="stats-section" aria-labelledby="overdue-heading">
        <h2 id="overdue-heading">{d.overdue.heading}</h2>
        <p className="muted">{d.overdue.note}</p>
        <h3 id="overdue-interests">{d.overdue.interests}</h3>
        {data.overdueInterests.total === 0 ? (
          <p className="empty">{d.overdue.interestsNone}</p>
        ) : (
          <>
            <p data-testid="overdue-interests-total">
              {d.overdue.shown(data.overdueInterests.rows.length, data.overdueInterests.total)}{' '}
              <Link to="/bureau/matching">{zhCN.deals.board.overdueInterests}</Link>
            </p>
            <TableWrap labelledBy="overdue-interests">
              <table aria-labelledby="overdue-interests">
                <thead>
                  <tr>
                    <th scope="col">{d.overdue.listing}</th>
                    <th scope="col">{d.overdue.owner}</th>
                    <th scope="col">{d.overdue.received}</th>
                    <th scope="col">{d.overdue.respondBy}</th>
                    <th scope="col" className="num">
                      {d.overdue.overdueDays}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.overdueInterests.rows.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/listings/${r.listingId}`}>{r.title}</Link>
                      </td>
                      <td>{r.owner}</td>
                      <td>{r.received}</td>
                      <td>{r.respondBy}</td>
                      <td className="num">{r.overdueDays}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
        <h3 id="stale-matches">{d.overdue.matches(data.staleMatchDays)}</h3>
        <p className="muted">{d.overdue.matchesNote(data.staleMatchDays)}</p>
        {data.staleMatches.total === 0 ? (
          <p className="empty">{d.overdue.matchesNone}</p>
        ) : (
          <>
            <p data-testid="stale-matches-total">
              {d.overdue.shown(data.staleMatches.rows.length, data.staleMatches.total)}
            </p>
            <TableWrap labelledBy="stale-matches">
              <table aria-labelledby="stale-matches">
                <thead>
                  <tr>
                    <th scope="col">{d.overdue.match}</th>
                    <th scope="col">{d.overdue.state}</th>
                    <th scope="col">{d.overdue.manager}</th>
                    <th scope="col">{d.overdue.lastEvent}</th>
                    <th scope="col" className="num">
                      {d.overdue.idleDays}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.staleMatches.rows.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/matches/${r.id}`}>{r.title}</Link>
                      </td>
                      <td>{zhCN.matching.state[r.state]}</td>
                      <td>{r.manager ?? d.overdue.unassigned}</td>
                      <td>{r.lastEvent}</td>
                      <td className="num">{r.idleDays}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </section>

      <section className="stats-section" aria-labelledby="stale-heading">
        <h2 id="stale-heading">{d.stale.heading}</h2>
        <p className="muted">{d.stale.lead(data.staleListings.expiryDays, data.staleListings.idleDays)}</p>
        {data.staleListings.total === 0 ? (
          <p className="empty">{d.stale.none}</p>
        ) : (
          <>
            <p data-testid="stale-listings-total">
              {d.overdue.shown(data.staleListings.rows.length, data.staleListings.total)}
            </p>
            <TableWrap labelledBy="stale-heading">
              <table aria-labelledby="stale-heading">
                <thead>
                  <tr>
                    <th scope="col">{d.stale.listing}</th>
                    <th scope="col">{d.stale.kind}</th>
                    <th scope="col">{d.stale.owner}</th>
                    <th scope="col">{d.stale.expiresAt}</th>
                    <th scope="col">{d.stale.updatedAt}</th>
                    <th scope="col">{d.stale.reason}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.staleListings.rows.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/listings/${r.id}`}>{r.title}</Link>
                      </td>
                      <td>{zhCN.kind[r.kind]}</td>
                      <td>{r.owner}</td>
                      <td>{r.expiresAt}</td>
                      <td>{r.updatedAt}</td>
                      <td>
                        {[r.expiring ? d.stale.expiring : null, r.notUpdated ? d.stale.notUpdated : null]
                          .filter(Boolean)
                          .join(s.listSeparator)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </section>

      <section className="stats-section" aria-labelledby="managers-heading">
        <h2 id="managers-heading">{d.league.managers}</h2>
        <p className="muted">{d.league.note}</p>
        {league.managers.length === 0 ? (
          <p className="empty">{d.league.none}</p>
        ) : (
          <TableWrap labelledBy="managers-heading">
            <table aria-labelledby="managers-heading" data-testid="league-managers">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {d.league.rank}
                  </th>
                  <th scope="col">{d.league.name}</th>
                  <th scope="col">{d.league.agency}</th>
                  <LeagueHead />
                </tr>
              </thead>
              <tbody>
                {league.managers.map((m, i) => (
                  <tr key={m.userId} data-testid={`league-manager-${m.userId}`}>
                    <td className="num">{i + 1}</td>
                    <th scope="row">
                      {m.name}
                      {m.grade ? <span className="muted">（{s.grade[m.grade]}）</span> : null}
                    </th>
                    <td>{m.agencyName ?? s.none}</td>
                    <LeagueCells row={m} />
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>

      <section className="stats-section" aria-labelledby="agencies-heading">
        <h2 id="agencies-heading">{d.league.agencies}</h2>
        {league.agencies.length === 0 ? (
          <p className="empty">{d.league.noAgencies}</p>
        ) : (
          <TableWrap labelledBy="agencies-heading">
            <table aria-labelledby="agencies-heading" data-testid="league-agencies">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {d.league.rank}
                  </th>
                  <th scope="col">{d.league.agencyName}</th>
                  <th scope="col" className="num">
                    {d.league.managerCount}
                  </th>
                  <LeagueHead />
                </tr>
              </thead>
              <tbody>
                {league.agencies.map((a, i) => (
                  <tr key={a.id} data-testid={`league-agency-${a.id}`}>
                    <td className="num">{i + 1}</td>
                    <th scope="row">
                      {a.name}
                      {a.rating ? <span className="muted">（{s.rating[a.rating]}）</span> : null}
                    </th>
                    <td className="num">{a.managerCount}</td>
                    <LeagueCells row={a} />
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>

      <section className="stats-section" aria-labelledby="definitions">
        <h2 id="definitions">{d.definitions}</h2>
        <dl className="stats-definitions">
          {s.definitions.map(([term, definition]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{definition}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}

function LeagueHead() {
  const l = d.league;
  return (
    <>
      {[l.matches, l.contracts, l.registered, l.enterprises, l.response, l.minutes].map((h) => (
        <th key={h} scope="col" className="num">
          {h}
        </th>
      ))}
    </>
  );
}

function LeagueCells({
  row,
}: {
  row: {
    matches: number;
    contracts: number;
    registeredWan: number;
    enterprises: number;
    medianResponseHours: number | null;
    minutes: number;
  };
}) {
  return (
    <>
      <td className="num">{row.matches}</td>
      <td className="num">{row.contracts}</td>
      <td className="num">{formatAmount(row.registeredWan)}</td>
      <td className="num">{row.enterprises}</td>
      <td className="num">{formatHours(row.medianResponseHours)}</td>
      <td className="num">{row.minutes}</td>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(d.title) }];
