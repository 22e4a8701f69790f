import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { MatchTable } from '../features/matching/components/match-table.tsx';
import { loadMyMatches } from '../features/matching/match-routes.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.deals;

export const loader = (args: LoaderFunctionArgs) => loadMyMatches(args);

/** 我的对接: the matches of the person's organisations, on either side. */
export default function MyMatches() {
  const { matches } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeading title={t.match.listTitle}>
        <p>
          <Link to="/my/interests">{t.interest.myTitle}</Link>
        </p>
      </PageHeading>
      <MatchTable rows={matches} caption={t.match.listTitle} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(t.match.listTitle) }];
