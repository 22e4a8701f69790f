import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import {
  EditionFacts,
  EditionSections,
  EditionStatsPanel,
} from '../features/editions/components/edition-view.tsx';
import { loadWorkbench } from '../features/editions/curation.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.editions;

/** The draft as the public will see it, with the listings as they are now (staff only). */
export async function loader(args: LoaderFunctionArgs) {
  const { edition, model } = await loadWorkbench(args);
  return { edition, model };
}

export default function EditionPreview() {
  const { edition, model } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="notice" role="status">
        {t.bureau.previewBanner} <Link to={`/bureau/editions/${edition.id}`}>{t.bureau.title}</Link>
      </p>
      <PageHeading title={model.title}>
        <EditionFacts model={model} />
      </PageHeading>
      {model.introduction ? <p className="lead prose">{model.introduction}</p> : null}
      <EditionStatsPanel model={model} />
      <EditionSections model={model} />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(`${data?.model.title ?? t.title} · ${t.bureau.preview}`) },
];
