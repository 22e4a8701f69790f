import { Link } from '@remix-run/react';
import { zhCN } from '../../../i18n/zh-CN.ts';
import { formatBudget, formatDateIso, formatPrice, formatWan } from '../../../ui/format.ts';
import type { PublicListingSummary } from '../rules.ts';

/** The one key fact that people compare at a glance, per kind. */
export function keyFact(item: PublicListingSummary): string | null {
  switch (item.kind) {
    case 'demand':
      return formatBudget(item.budget_min_wan, item.budget_max_wan);
    case 'achievement':
      return [item.trl ? zhCN.trlShort(item.trl) : null, formatPrice(item.price_wan, item.price_negotiable)]
        .filter(Boolean)
        .join(' · ');
    case 'scenario':
      return [
        item.investment_wan !== null ? formatWan(item.investment_wan) : null,
        item.first_trial ? zhCN.detail.firstTrialYes : null,
      ]
        .filter(Boolean)
        .join(' · ');
  }
}

function typeLabel(item: PublicListingSummary): string | null {
  if (item.demand_type) return zhCN.demandType[item.demand_type];
  if (item.achievement_type) return zhCN.achievementType[item.achievement_type];
  if (item.scenario_type) return zhCN.scenarioType[item.scenario_type];
  return null;
}

export function ListingCard({ item, showKind = false }: { item: PublicListingSummary; showKind?: boolean }) {
  const fact = keyFact(item);
  const type = typeLabel(item);
  return (
    <article className="listing-card">
      <div className="listing-card__tags">
        {showKind ? <span className={`tag tag--${item.kind}`}>{zhCN.kind[item.kind]}</span> : null}
        {type ? <span className="tag">{type}</span> : null}
        {item.fields.map((f) => (
          <span key={f.code} className="tag tag--field">
            {f.name}
          </span>
        ))}
      </div>
      <h3 className="listing-card__title">
        <Link to={`/listings/${item.id}`} prefetch="intent">
          {item.title}
        </Link>
      </h3>
      <p className="listing-card__summary">{item.summary}</p>
      <dl className="listing-card__meta">
        {fact ? (
          <div>
            <dt className="visually-hidden">{zhCN.detail.facts}</dt>
            <dd className="listing-card__fact">{fact}</dd>
          </div>
        ) : null}
        <div>
          <dt>{zhCN.detail.region}</dt>
          <dd>{item.region}</dd>
        </div>
        {item.organisation ? (
          <div>
            <dt>{zhCN.detail.organisation}</dt>
            <dd>{item.organisation.name}</dd>
          </div>
        ) : null}
        {item.published_at ? (
          <div>
            <dt>{zhCN.index.publishedOn}</dt>
            <dd>
              <time dateTime={item.published_at}>{formatDateIso(item.published_at)}</time>
            </dd>
          </div>
        ) : null}
      </dl>
    </article>
  );
}
