import { Link } from '@remix-run/react';
import type { Highlighted, SearchHit } from '../../../../search/engine.ts';
import { zhCN } from '../../../i18n/zh-CN.ts';
import { formatBudget, formatDateIso, formatPrice, formatWan } from '../../../ui/format.ts';

/** One search hit as a listing card (search page and the kind index pages). */
export function Marked({ parts }: { parts: Highlighted }) {
  return (
    <>
      {parts.map(([text, matched], i) =>
        matched ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one string, in a fixed order.
          <mark key={i}>{text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one string, in a fixed order.
          <span key={i}>{text}</span>
        ),
      )}
    </>
  );
}

function keyFact(hit: SearchHit): string | null {
  if (hit.kind === 'demand') return formatBudget(hit.budget_min_wan, hit.budget_max_wan);
  if (hit.kind === 'achievement') {
    return [hit.trl ? zhCN.trlShort(hit.trl) : null, formatPrice(hit.price_wan, hit.price_negotiable)]
      .filter(Boolean)
      .join(' · ');
  }
  return hit.investment_wan !== null ? formatWan(hit.investment_wan) : null;
}

export function HitCard({ hit, showKind = true }: { hit: SearchHit; showKind?: boolean }) {
  const fact = keyFact(hit);
  return (
    <article className="listing-card">
      <div className="listing-card__tags">
        {showKind ? <span className={`tag tag--${hit.kind}`}>{zhCN.kind[hit.kind]}</span> : null}
        {hit.field_names.map((f) => (
          <span key={f} className="tag tag--field">
            {f}
          </span>
        ))}
      </div>
      <h3 className="listing-card__title">
        <Link to={`/listings/${hit.id}`} prefetch="intent">
          <Marked parts={hit.highlight.title} />
        </Link>
      </h3>
      <p className="listing-card__summary">
        <Marked parts={hit.highlight.summary} />
      </p>
      <dl className="listing-card__meta">
        {fact ? (
          <div>
            <dt className="visually-hidden">{zhCN.detail.facts}</dt>
            <dd className="listing-card__fact">{fact}</dd>
          </div>
        ) : null}
        <div>
          <dt>{zhCN.detail.region}</dt>
          <dd>{hit.region}</dd>
        </div>
        {hit.organisation_name ? (
          <div>
            <dt>{zhCN.detail.organisation}</dt>
            <dd>{hit.organisation_name}</dd>
          </div>
        ) : null}
        <div>
          <dt>{zhCN.index.publishedOn}</dt>
          <dd>
            <time dateTime={hit.published_at}>{formatDateIso(hit.published_at)}</time>
          </dd>
        </div>
      </dl>
    </article>
  );
}
