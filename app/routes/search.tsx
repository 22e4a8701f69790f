import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { SearchPage } from '../features/search/components/search-page.tsx';
import { loadSearchPage } from '../features/search/pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { pageTitle } from '../ui/meta.ts';

export function loader(args: LoaderFunctionArgs) {
  return loadSearchPage(args);
}

export default function Search() {
  return <SearchPage />;
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: pageTitle(data?.ok && data.query.q ? `${data.query.q} - ${zhCN.search.title}` : zhCN.search.title),
  },
];
