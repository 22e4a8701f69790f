import type { MetaFunction } from '@remix-run/node';
import { zhCN } from '../i18n/zh-CN.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

/** The supply–demand list archive. Editions arrive with issue 6; until then an honest empty state. */
export default function ListsPage() {
  return (
    <>
      <PageHeading title={zhCN.lists.title} lead={zhCN.lists.intro} />
      <p className="empty">{zhCN.lists.empty}</p>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(zhCN.lists.title) }];
