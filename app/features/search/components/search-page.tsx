import { Form, Link, useLoaderData, useLocation, useNavigation, useSubmit } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { zhCN } from '../../../i18n/zh-CN.ts';
import { PageHeading } from '../../../ui/layout.tsx';
import { Pagination } from '../../../ui/pagination.tsx';
import type { loadSearchPage } from '../pages.server.ts';
import { withoutParam, withParam } from '../rules.ts';
import { HitCard } from './hit-card.tsx';

const s = zhCN.search;

function labelFor(facet: string, value: string, fieldNames: Map<string, string>): string {
  if (facet === 'kind') return zhCN.kind[value as keyof typeof zhCN.kind] ?? value;
  if (facet === 'field') return fieldNames.get(value) ?? value;
  if (facet === 'mode') return zhCN.mode[value as keyof typeof zhCN.mode] ?? value;
  if (facet === 'trl') return s.trlLevel(value);
  return value;
}

const FACET_PARAM = { kind: 'kind', field: 'field', region: 'region', trl: 'trl_min', mode: 'mode' } as const;

export function SearchPage() {
  const data = useLoaderData<typeof loadSearchPage>();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const submit = useSubmit();
  const navigation = useNavigation();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const fieldNames = new Map((data.ok ? data.fields : []).map((f) => [f.code, f.name]));
  const chips: { label: string; href: string }[] = [];
  for (const [key, value] of params) {
    if (['q', 'page', 'sort', 'per_page', 'prefix'].includes(key)) continue;
    const facet = key === 'trl_min' || key === 'trl_max' ? 'trl' : key;
    chips.push({ label: labelFor(facet, value, fieldNames), href: withoutParam(params, key, value) });
  }
  const hidden = [...params].filter(([k]) => !['q', 'page', 'prefix', 'sort'].includes(k));

  return (
    <>
      <PageHeading title={s.title} />
      <Form method="get" role="search" className="search-bar" aria-busy={navigation.state === 'loading'}>
        <label htmlFor="search-q" className="visually-hidden">
          {s.label}
        </label>
        <input
          id="search-q"
          type="search"
          name="q"
          maxLength={200}
          defaultValue={params.get('q') ?? ''}
          placeholder={s.placeholder}
          autoComplete="off"
          onChange={(event) => {
            // Search as you type (with JavaScript): the last word also matches as a prefix.
            const form = event.currentTarget.form;
            clearTimeout(timer.current);
            timer.current = setTimeout(() => {
              if (!form) return;
              const fd = new FormData(form);
              fd.set('prefix', '1');
              submit(fd, { method: 'get', replace: true, preventScrollReset: true });
            }, 250);
          }}
        />
        {hidden.map(([k, v]) => (
          <input key={`${k}=${v}`} type="hidden" name={k} value={v} />
        ))}
        <label htmlFor="search-sort" className="visually-hidden">
          {s.sort.label}
        </label>
        <select id="search-sort" name="sort" defaultValue={params.get('sort') ?? 'relevance'}>
          {(['relevance', 'newest', 'budget'] as const).map((o) => (
            <option key={o} value={o}>
              {s.sort[o]}
            </option>
          ))}
        </select>
        <button type="submit" className="button">
          {s.submit}
        </button>
      </Form>

      {!data.ok ? (
        <div className="form-error" role="alert">
          <ul>
            {Object.entries(data.errors).map(([k, messages]) => (
              <li key={k}>{messages.join('；')}</li>
            ))}
          </ul>
        </div>
      ) : (
        <div className="search-layout">
          <aside className="facets" aria-label={s.filtersTitle}>
            {(['kind', 'field', 'region', 'trl', 'mode'] as const).map((facet) => {
              const counts = Object.entries(data.result.facets[facet]).sort((a, b) => b[1] - a[1]);
              if (counts.length === 0) return null;
              return (
                <section key={facet} className="facet">
                  <h2>{s.facets[facet]}</h2>
                  <ul>
                    {counts.map(([value, n]) => (
                      <li key={value}>
                        <Link
                          to={
                            facet === 'trl'
                              ? `${withParam(new URLSearchParams(withParam(params, 'trl_min', value)), 'trl_max', value)}`
                              : withParam(params, FACET_PARAM[facet], value)
                          }
                          preventScrollReset
                        >
                          {labelFor(facet, value, fieldNames)} <span className="facet__count">{n}</span>
                        </Link>
                      </li>
                    ))}
                  </ul>
                </section>
              );
            })}
          </aside>
          <section className="search-results" aria-labelledby="results-heading">
            <h2 id="results-heading" className="search-results__summary" aria-live="polite">
              {s.results(data.result.total, data.query.q)}{' '}
              <span className="muted">{s.took(data.result.tookMs)}</span>
            </h2>
            {chips.length ? (
              <ul className="chips" aria-label={s.filtersTitle}>
                {chips.map((c) => (
                  <li key={c.href + c.label}>
                    <Link to={c.href} aria-label={s.removeFilter(c.label)} className="chip">
                      {c.label} ×
                    </Link>
                  </li>
                ))}
                <li>
                  <Link to={`?${new URLSearchParams(data.query.q ? { q: data.query.q } : {}).toString()}`}>
                    {s.clearAll}
                  </Link>
                </li>
              </ul>
            ) : null}
            {data.result.hits.length === 0 ? (
              <p className="empty">{chips.length ? s.emptyWithFilters : s.empty}</p>
            ) : (
              <ol className="listing-list search-hits">
                {data.result.hits.map((hit) => (
                  <li key={hit.id}>
                    <HitCard hit={hit} />
                  </li>
                ))}
              </ol>
            )}
            <Pagination
              page={data.query.page}
              pages={Math.max(
                1,
                Math.ceil(Math.min(data.result.total, 500 * data.query.per_page) / data.query.per_page),
              )}
              params={params}
            />
          </section>
        </div>
      )}
    </>
  );
}
