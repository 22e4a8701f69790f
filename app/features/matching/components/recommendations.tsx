import { Link } from '@remix-run/react';
import type { ListingKind } from '../../../../db/schema.ts';
import { zhCN } from '../../../i18n/zh-CN.ts';

const t = zhCN.matching.recommend;

/** What recommend.server.ts returns (RecommendationList), as the page receives it. */
export interface RecommendationsData {
  source: { id: number; kind: ListingKind; title: string };
  items: {
    id: number;
    kind: ListingKind;
    title: string;
    organisation_name: string | null;
    score: number;
    reasons: string[];
  }[];
}

/** Badge colour of a score (the completeness badges' classes). */
function scoreClass(score: number): string {
  return score >= 70 ? 'badge--score-good' : score >= 50 ? 'badge--score-fair' : 'badge--score-poor';
}

/**
 * 推荐匹配: the listings that fit this one, best first, each with its score and its reasons. `data` null and
 * `unpublished`: a hint that recommendations come after publication; `data` null otherwise: nothing.
 */
export function Recommendations({
  data,
  unpublished = false,
  proposeLinks = false,
}: {
  data: RecommendationsData | null;
  unpublished?: boolean;
  /** Technology managers and bureau staff: a link that opens a proposal of this pair on the board. */
  proposeLinks?: boolean;
}) {
  if (!data && !unpublished) return null;
  return (
    <section
      className="panel recommendations"
      aria-labelledby="recommendations-heading"
      data-testid="recommendations"
    >
      <h2 id="recommendations-heading">{t.heading}</h2>
      {!data ? (
        <p className="muted">{t.unpublished}</p>
      ) : data.items.length === 0 ? (
        <p className="muted" data-testid="recommendations-empty">
          {t.empty}
        </p>
      ) : (
        <>
          <p className="muted">{t.intro[data.source.kind]}</p>
          <ol className="plain-list">
            {data.items.map((item) => (
              <li key={item.id} className="recommendation">
                <span className={`tag tag--${item.kind}`}>{zhCN.kind[item.kind]}</span>{' '}
                <Link to={`/listings/${item.id}`}>{item.title}</Link>{' '}
                <span className={`badge ${scoreClass(item.score)}`} title={t.scoreLabel(item.score)}>
                  <span aria-hidden="true">{t.score(item.score)}</span>
                  <span className="visually-hidden">{t.scoreLabel(item.score)}</span>
                </span>
                {item.organisation_name ? <span className="muted"> {item.organisation_name}</span> : null}
                {proposeLinks ? (
                  <>
                    {' '}
                    <Link
                      className="button button--small button--link"
                      to={
                        data.source.kind === 'achievement'
                          ? `/manager?need=${item.id}&offer=${data.source.id}#propose-heading`
                          : `/manager?need=${data.source.id}&offer=${item.id}#propose-heading`
                      }
                    >
                      {zhCN.deals.board.proposeThis}
                    </Link>
                  </>
                ) : null}
                {item.reasons.length ? (
                  <p className="muted recommendation__reasons">
                    <span className="visually-hidden">{t.reasons}</span>
                    {item.reasons.join(t.reasonSeparator)}
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
