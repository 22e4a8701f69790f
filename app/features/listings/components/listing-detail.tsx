import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import { zhCN } from '../../../i18n/zh-CN.ts';
import { formatBudget, formatDate, formatPrice, formatWan } from '../../../ui/format.ts';
import type { PublicListingDetail } from '../rules.ts';
import { KIND_SEGMENT } from '../rules.ts';

type Fact = [label: string, value: ReactNode];

/** Drops absent facts and facts without a value. */
function present(facts: (Fact | null)[]): Fact[] {
  return facts.filter((f): f is Fact => f !== null && f[1] !== null && f[1] !== undefined && f[1] !== '');
}

function modes(list: readonly (keyof typeof zhCN.mode)[]): string | null {
  return list.length ? list.map((m) => zhCN.mode[m]).join(zhCN.listSeparator) : null;
}

/** The public summary facts of each kind (always visible). */
function summaryFacts(l: PublicListingDetail): Fact[] {
  const common: Fact[] = [
    [zhCN.detail.kind, zhCN.kind[l.kind]],
    [zhCN.detail.fields, l.fields.map((f) => f.name).join(zhCN.listSeparator)],
    [zhCN.detail.region, l.region],
  ];
  const byKind: (Fact | null)[] =
    l.kind === 'demand'
      ? [
          l.demand_type ? [zhCN.detail.demandType, zhCN.demandType[l.demand_type]] : null,
          [zhCN.detail.budget, formatBudget(l.budget_min_wan, l.budget_max_wan)],
          l.deadline ? [zhCN.detail.deadline, formatDate(l.deadline)] : null,
          [zhCN.detail.cooperationModes, modes(l.cooperation_modes)],
        ]
      : l.kind === 'achievement'
        ? [
            l.achievement_type
              ? [zhCN.detail.achievementType, zhCN.achievementType[l.achievement_type]]
              : null,
            l.trl ? [zhCN.detail.trl, `${zhCN.trlShort(l.trl)}：${zhCN.trl[l.trl]}`] : null,
            [zhCN.detail.transferModes, modes(l.transfer_modes)],
            [zhCN.detail.price, formatPrice(l.price_wan, l.price_negotiable)],
          ]
        : [
            l.scenario_type ? [zhCN.detail.scenarioType, zhCN.scenarioType[l.scenario_type]] : null,
            l.investment_wan !== null ? [zhCN.detail.investment, formatWan(l.investment_wan)] : null,
            l.first_trial ? [zhCN.detail.firstTrial, zhCN.detail.firstTrialYes] : null,
            l.period_start && l.period_end
              ? [zhCN.detail.period, `${formatDate(l.period_start)} — ${formatDate(l.period_end)}`]
              : null,
          ];
  const dates: (Fact | null)[] = [
    l.published_at ? [zhCN.detail.published, formatDate(l.published_at)] : null,
    l.expires_at ? [zhCN.detail.expires, formatDate(l.expires_at)] : null,
    [zhCN.detail.confidentiality, zhCN.confidentiality[l.confidentiality]],
  ];
  return present([...common, ...byKind, ...dates]);
}

function FactList({ facts }: { facts: Fact[] }) {
  return (
    <dl className="facts">
      {facts.map(([label, value]) => (
        <div key={label} className="facts__row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Bullets({ items }: { items: string[] }) {
  return items.length ? (
    <ul>
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  ) : null;
}

export function ListingDetail({
  listing: l,
  attachments = [],
}: {
  listing: PublicListingDetail;
  attachments?: { id: number; name: string; sizeKb: number }[];
}) {
  const d = l.detail;
  return (
    <article className="listing-detail">
      <p className="breadcrumb">
        <Link to={`/${KIND_SEGMENT[l.kind]}`}>{zhCN.detail.back(zhCN.kind[l.kind])}</Link>
      </p>
      <h1>{l.title}</h1>
      <div className="listing-detail__layout">
        <div className="listing-detail__main">
          <section aria-labelledby="summary-heading">
            <h2 id="summary-heading">{zhCN.detail.summary}</h2>
            <p>{l.summary}</p>
            {l.keywords.length ? (
              <p className="keywords">
                <span>{zhCN.detail.keywords}：</span>
                {l.keywords.map((k) => (
                  <span key={k} className="tag">
                    {k}
                  </span>
                ))}
              </p>
            ) : null}
          </section>
          {d ? (
            <section aria-labelledby="detail-heading">
              <h2 id="detail-heading">{zhCN.detail.detail}</h2>
              <p className="prose">{d.text}</p>
              <FactList
                facts={present([
                  [zhCN.detail.indicators, d.indicators],
                  [
                    zhCN.detail.innovationPoints,
                    d.innovation_points.length ? <Bullets key="points" items={d.innovation_points} /> : null,
                  ],
                  [zhCN.detail.patentNumbers, d.patent_numbers.join(zhCN.listSeparator)],
                  [zhCN.detail.team, d.team],
                  [zhCN.detail.advantages, d.advantages],
                  [zhCN.detail.ipExpectation, d.ip_expectation],
                  [zhCN.detail.issuingUnit, d.issuing_unit],
                  [zhCN.detail.location, d.location],
                  [zhCN.detail.expectedTech, d.expected_tech],
                ])}
              />
            </section>
          ) : null}
          {d && attachments.length ? (
            <section aria-labelledby="attachments-heading">
              <h2 id="attachments-heading">{zhCN.attachments.list}</h2>
              <ul>
                {attachments.map((a) => (
                  <li key={a.id}>
                    <a href={`/listings/${l.id}/attachments/${a.id}`}>{a.name}</a>{' '}
                    <span className="muted">{a.sizeKb} KB</span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {d ? null : (
            <p className="notice" role="note">
              {zhCN.detail.restricted[l.confidentiality === 'staff' ? 'staff' : 'members']}
            </p>
          )}
          <p className="notice notice--quiet">{zhCN.detail.contactHidden}</p>
        </div>
        <aside className="listing-detail__aside" aria-labelledby="facts-heading">
          <h2 id="facts-heading">{zhCN.detail.facts}</h2>
          <FactList
            facts={present([
              ...summaryFacts(l),
              l.organisation ? [zhCN.detail.organisation, l.organisation.name] : null,
              l.mkj_id
                ? [
                    zhCN.detail.mkj,
                    l.mkj_url ? (
                      <a key="mkj" href={l.mkj_url} rel="external noopener">
                        {zhCN.detail.mkjLink(l.mkj_id)}
                      </a>
                    ) : (
                      l.mkj_id
                    ),
                  ]
                : null,
            ])}
          />
        </aside>
      </div>
    </article>
  );
}
