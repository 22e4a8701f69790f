import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { unreadNotices } from '../../db/queries/notices.ts';
import { accountOverview } from '../features/accounts/account-page.server.ts';
import { hasPermission } from '../features/accounts/permissions.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const a = zhCN.auth;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'read:member-area:own');
  const notices = await unreadNotices(context.db, principal.userId);
  return {
    ...(await accountOverview(context.db, principal)),
    bureau: hasPermission(principal, 'read:bureau-area:any'),
    canPost: hasPermission(principal, 'create:listing:own'),
    notices: notices.map((n) => ({ ...n, created_at: n.created_at.toISOString() })),
  };
}

export default function AccountPage() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeading title={a.accountTitle} lead={a.welcome(data.displayName)}>
        {data.canPost ? (
          <p className="row-links">
            <Link className="button" to="/my/listings">
              {zhCN.myListings.title}
            </Link>
          </p>
        ) : null}
      </PageHeading>
      {data.notices.length ? (
        <section className="panel" aria-labelledby="notices-heading">
          <h2 id="notices-heading">{a.notices}</h2>
          <ul className="plain-list">
            {data.notices.map((n) => (
              <li key={n.id} data-testid="notice">
                {n.link ? <Link to={n.link}>{n.title}</Link> : <strong>{n.title}</strong>}
                {n.body ? <p className="muted">{n.body}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="panel" aria-labelledby="orgs-heading">
        <h2 id="orgs-heading">{a.myOrganisations}</h2>
        {data.organisations.length === 0 ? <p>{a.noOrganisation}</p> : null}
        <ul className="plain-list">
          {data.organisations.map((o) => (
            <li key={o.id} className="org-row" data-testid="membership">
              <strong>{o.name}</strong>
              <span className={`badge badge--${o.verification}`}>{a.verification[o.verification]}</span>
              <span className="badge">{a.membershipRole[o.role]}</span>
              {o.status !== 'active' ? <span className="badge">{a.membershipStatus[o.status]}</span> : null}
              {o.verification === 'rejected' && o.verification_note ? (
                <p className="notice">{a.rejectionReason(o.verification_note)}</p>
              ) : null}
              {o.verification === 'pending' ? <p className="muted">{a.pendingExplain}</p> : null}
              {o.verification === 'verified' && o.status === 'active' ? (
                <p className="muted">{a.canPost}</p>
              ) : null}
              {o.status === 'active' ? (
                <p className="row-links">
                  <Link to={`/orgs/${o.id}/settings`}>{a.settings}</Link>
                  {o.verification === 'verified' ? <Link to={`/orgs/${o.id}`}>{a.profile}</Link> : null}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      {data.platformRoles.length > 0 ? (
        <section className="panel" aria-labelledby="roles-heading">
          <h2 id="roles-heading">{a.platformRoles}</h2>
          <p>{data.platformRoles.map((r) => a.platformRole[r]).join(zhCN.listSeparator)}</p>
          {data.bureau ? <Link to="/bureau">{zhCN.nav.bureau}</Link> : null}
        </section>
      ) : null}
      <section className="panel" aria-labelledby="security-heading">
        <h2 id="security-heading">{a.security}</h2>
        <p className="row-links">
          <Link to="/account/password">{a.changePassword}</Link>
          <Link to="/account/sessions">{a.sessions}</Link>
        </p>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(a.accountTitle) }];
