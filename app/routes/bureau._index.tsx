import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { hasPermission } from '../features/accounts/permissions.ts';
import { countPendingOrganisations } from '../features/bureau/bureau.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const b = zhCN.bureau;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'read:bureau-area:any');
  return {
    pending: await countPendingOrganisations(context.db),
    admin: hasPermission(principal, 'manage:user:any'),
  };
}

export default function BureauHome() {
  const { pending, admin } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeading title={b.title} />
      <ul className="tile-links">
        <li>
          <Link to="/bureau/review">
            <strong>{zhCN.review.title}</strong>
            <span>{zhCN.review.lead}</span>
          </Link>
        </li>
        <li>
          <Link to="/bureau/matching">
            <strong>{zhCN.deals.board.overdueInterests}</strong>
          </Link>
        </li>
        <li>
          <Link to="/bureau/dashboard">
            <strong>{zhCN.statistics.dashboard.title}</strong>
            <span>{zhCN.statistics.dashboard.tileLead}</span>
          </Link>
        </li>
        <li>
          <Link to="/bureau/editions">
            <strong>{zhCN.editions.bureau.title}</strong>
            <span>{zhCN.editions.intro}</span>
          </Link>
        </li>
        <li>
          <Link to="/bureau/organisations">
            <strong>{b.verificationTitle}</strong>
            <span>{b.pendingOrganisations(pending)}</span>
          </Link>
        </li>
        <li>
          <Link to="/bureau/mkj">
            <strong>{zhCN.mkj.page.title}</strong>
            <span>{zhCN.mkj.page.tile}</span>
          </Link>
        </li>
        <li>
          <Link to="/bureau/mkj/sync">
            <strong>{zhCN.mkj.sync.title}</strong>
            <span>{zhCN.mkj.sync.tileLead}</span>
          </Link>
        </li>
        {admin ? (
          <>
            <li>
              <Link to="/bureau/users">
                <strong>{b.usersTitle}</strong>
              </Link>
            </li>
            <li>
              <Link to="/bureau/audit">
                <strong>{b.auditTitle}</strong>
              </Link>
            </li>
          </>
        ) : null}
      </ul>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(b.title) }];
