import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import {
  EditionErrata,
  EditionSections,
  EditionStatsPanel,
} from '../features/editions/components/edition-view.tsx';
import { loadEditionPage } from '../features/editions/pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.editions;

/**
 * The print view (A4): a running header with the edition and its date on every page, each section on a new page;
 * the site's own header and footer are hidden by the print style sheet.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  return loadEditionPage(context, params);
}

export default function EditionPrint() {
  const model = useLoaderData<typeof loader>();
  return (
    <article className="edition-print">
      <p className="edition-print__header">{t.printHeader(model.title, model.publishedOn ?? '')}</p>
      <h1>{model.title}</h1>
      {model.introduction ? <p className="prose">{model.introduction}</p> : null}
      <EditionErrata model={model} />
      <EditionStatsPanel model={model} />
      <EditionSections model={model} />
    </article>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(`${data?.title ?? t.title} · ${t.print}`) },
];
