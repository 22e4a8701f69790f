import type { MetaFunction } from '@remix-run/node';
import { zhCN } from '../i18n/zh-CN.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

/** Accounts arrive with issue 3; the navigation already points here. */
export default function LoginPage() {
  return (
    <>
      <PageHeading title={zhCN.login.title} />
      <p className="notice">{zhCN.login.notYet}</p>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(zhCN.login.title) }];
