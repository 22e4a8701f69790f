import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { KindIndexPage } from '../features/listings/components/kind-index-page.tsx';
import { loadKindIndex } from '../features/listings/pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { pageTitle } from '../ui/meta.ts';

export function loader(args: LoaderFunctionArgs) {
  return loadKindIndex('scenario', args);
}

export default function Page() {
  return <KindIndexPage kind="scenario" />;
}

export const meta: MetaFunction = () => [
  { title: pageTitle(zhCN.kind.scenario) },
  { name: 'description', content: zhCN.kindIntro.scenario },
];
