import { Form, useLoaderData, useLocation } from '@remix-run/react';
import type { ListingKind } from '../../../../db/schema.ts';
import { zhCN } from '../../../i18n/zh-CN.ts';
import { PageHeading } from '../../../ui/layout.tsx';
import { Pagination } from '../../../ui/pagination.tsx';
import { HitCard } from '../../search/components/hit-card.tsx';
import type { loadKindIndex } from '../pages.server.ts';

/** The index page of one kind: field filter (a plain GET form), the list, pagination. */
export function KindIndexPage({ kind }: { kind: ListingKind }) {
  const data = useLoaderData<typeof loadKindIndex>();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  return (
    <>
      <PageHeading title={zhCN.kind[kind]} lead={zhCN.kindIntro[kind]} />
      <Form method="get" className="filter-bar" key={data.fieldCode ?? 'all'}>
        <label htmlFor="field-filter">{zhCN.index.field}</label>
        <select id="field-filter" name="field" defaultValue={data.fieldCode ?? ''}>
          <option value="">{zhCN.index.allFields}</option>
          {data.fields.map((f) => (
            <option key={f.code} value={f.code}>
              {`${f.name}（${f.live_count}）`}
            </option>
          ))}
        </select>
        <button type="submit" className="button">
          {zhCN.index.filter}
        </button>
        <output className="filter-bar__total" aria-live="polite">
          {zhCN.index.total(data.total)}
        </output>
      </Form>
      {data.items.length === 0 ? (
        <p className="empty">{zhCN.index.empty}</p>
      ) : (
        <div className="listing-list">
          {data.items.map((item) => (
            <HitCard key={item.id} hit={item} showKind={false} />
          ))}
        </div>
      )}
      <Pagination page={data.page} pages={data.pages} params={params} />
    </>
  );
}
