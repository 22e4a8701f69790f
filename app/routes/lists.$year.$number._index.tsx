import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import {
  EditionErrata,
  EditionFacts,
  EditionSections,
  EditionStatsPanel,
} from '../features/editions/components/edition-view.tsx';
import { loadEditionPage } from '../features/editions/pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.editions;

/** A published edition: its snapshot, grouped by section, chain action and field, with statistics and errata. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  return loadEditionPage(context, params);
}

export default function EditionPage() {
  const model = useLoaderData<typeof loader>();
  return (
    <>
      <nav className="breadcrumb" aria-label={zhCN.site.menu}>
        <Link to="/lists">{t.title}</Link>
      </nav>
      <PageHeading title={model.title}>
        <EditionFacts model={model} />
      </PageHeading>
      {model.introduction ? <p className="lead prose">{model.introduction}</p> : null}
      <nav className="row-links edition-downloads" aria-label={t.downloads}>
        <a href={`${model.path}/edition.xlsx`} download>
          {t.downloadXlsx}
        </a>
        <a href={`${model.path}/edition.csv`} download>
          {t.downloadCsv}
        </a>
        <a href={`${model.path}/edition.json`}>{t.downloadJson}</a>
        <Link to={`${model.path}/print`}>{t.print}</Link>
      </nav>
      <EditionErrata model={model} />
      <EditionStatsPanel model={model} />
      <EditionSections model={model} />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.title ?? t.title) }];
