import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data as withStatus } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { unreadNotices } from '../../db/queries/notices.ts';
import { accountOverview } from '../features/accounts/account-page.server.ts';
import { hasPermission } from '../features/accounts/permissions.ts';
import {
  memberSubscribe,
  memberSubscription,
  memberUnsubscribe,
} from '../features/editions/subscriptions.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formObject } from '../server/forms.server.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const a = zhCN.auth;
const sub = zhCN.editions.subscribe;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'read:member-area:own');
  const notices = await unreadNotices(context.db, principal.userId);
  return {
    ...(await accountOverview(context.db, principal)),
    bureau: hasPermission(principal, 'read:bureau-area:any'),
    canPost: hasPermission(principal, 'create:listing:own'),
    manager: principal.platformRoles.includes('manager'),
    notices: notices.map((n) => ({ ...n, created_at: n.created_at.toISOString() })),
    listMail: await memberSubscription(context.db, principal),
  };
}

/** The list-mail panel: subscribe (the account's e-mail, active at once) or unsubscribe. */
export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'update:account:own');
  const { intent } = await formObject(request);
  if (intent === 'list-subscribe') {
    await memberSubscribe(context.db, principal, context.clientIp);
    return { message: sub.confirmed };
  }
  if (intent === 'list-unsubscribe') {
    await memberUnsubscribe(context.db, principal, context.clientIp);
    return { message: sub.unsubscribed };
  }
  return withStatus({ error: zhCN.editions.errors.unknownIntent }, { status: 400 });
}

export default function AccountPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <PageHeading title={a.accountTitle} lead={a.welcome(data.displayName)}>
        <p className="row-links">
          {data.canPost ? (
            <Link className="button" to="/my/listings">
              {zhCN.myListings.title}
            </Link>
          ) : null}
          <Link to="/my/interests">{zhCN.deals.interest.myTitle}</Link>
          <Link to="/matches">{zhCN.deals.match.listTitle}</Link>
          {data.manager ? <Link to="/manager">{zhCN.deals.board.title}</Link> : null}
        </p>
      </PageHeading>
      <section className="panel" aria-labelledby="notices-heading">
        <h2 id="notices-heading">{a.notices}</h2>
        {data.notices.length ? (
          <ul className="plain-list">
            {data.notices.map((n) => (
              <li key={n.id} data-testid="notice">
                {n.link ? <Link to={n.link}>{n.title}</Link> : <strong>{n.title}</strong>}
                {n.body ? <p className="muted">{n.body}</p> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{zhCN.notifications.account.noUnread}</p>
        )}
        <p className="row-links">
          <Link to="/account/notices">{zhCN.notifications.account.inbox}</Link>
          <Link to="/account/notifications">{zhCN.notifications.account.preferences}</Link>
        </p>
      </section>
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
      <section className="panel" aria-labelledby="list-mail-heading" data-testid="list-mail">
        <h2 id="list-mail-heading">{sub.account}</h2>
        {result && 'message' in result ? (
          <p className="notice notice--ok" role="status">
            {result.message}
          </p>
        ) : null}
        {result && 'error' in result ? (
          <p className="form-error" role="alert">
            {result.error}
          </p>
        ) : null}
        <p>{data.listMail.active ? sub.accountOn : sub.accountOff}</p>
        <Form method="post">
          <input
            type="hidden"
            name="intent"
            value={data.listMail.active ? 'list-unsubscribe' : 'list-subscribe'}
          />
          <button type="submit" className="button">
            {data.listMail.active ? sub.accountUnsubscribe : sub.accountSubscribe}
          </button>
        </Form>
      </section>
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
