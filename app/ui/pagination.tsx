import { Link } from '@remix-run/react';
import { zhCN } from '../i18n/zh-CN.ts';

/** Previous / next links that keep the other query parameters. Plain links: works without JavaScript. */
export function Pagination({
  page,
  pages,
  params,
}: {
  page: number;
  pages: number;
  params: URLSearchParams;
}) {
  if (pages <= 1) return null;
  const hrefFor = (target: number) => {
    const next = new URLSearchParams(params);
    if (target === 1) next.delete('page');
    else next.set('page', String(target));
    const query = next.toString();
    return query ? `?${query}` : '?';
  };
  return (
    <nav className="pagination" aria-label={zhCN.pagination.label}>
      {page > 1 ? (
        <Link to={hrefFor(page - 1)} rel="prev">
          {zhCN.pagination.previous}
        </Link>
      ) : (
        <span aria-hidden="true" className="pagination__disabled">
          {zhCN.pagination.previous}
        </span>
      )}
      <span className="pagination__status">{zhCN.pagination.page(Math.min(page, pages), pages)}</span>
      {page < pages ? (
        <Link to={hrefFor(page + 1)} rel="next">
          {zhCN.pagination.next}
        </Link>
      ) : (
        <span aria-hidden="true" className="pagination__disabled">
          {zhCN.pagination.next}
        </span>
      )}
    </nav>
  );
}
