import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { activeSessions } from '../features/accounts/account-page.server.ts';
import { logoutEverywhere } from '../features/accounts/accounts.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { clearSessionCookie } from '../server/session.server.ts';
import { formatDateTime } from '../ui/format.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const a = zhCN.auth;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'update:account:own');
  const sessions = await activeSessions(context.db, principal.userId);
  return {
    sessions: sessions.map((s) => ({
      current: s.id_hash === principal.sessionIdHash,
      key: s.id_hash.slice(0, 12),
      createdAt: s.created_at.toISOString(),
      lastSeenAt: s.last_seen_at.toISOString(),
      ip: s.ip,
      userAgent: s.user_agent,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'update:account:own');
  await logoutEverywhere(context.db, principal.userId, context.clientIp);
  return redirect('/login', { headers: { 'Set-Cookie': clearSessionCookie(context.config) } });
}

export default function SessionsPage() {
  const { sessions } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeading title={a.sessionsTitle} lead={a.sessionsLead} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{a.sessionStarted}</th>
              <th scope="col">{a.sessionLastSeen}</th>
              <th scope="col">{a.sessionIp}</th>
              <th scope="col">{a.sessionDevice}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.key}>
                <td>
                  {formatDateTime(s.createdAt)}
                  {s.current ? <span className="badge">{a.thisSession}</span> : null}
                </td>
                <td>{formatDateTime(s.lastSeenAt)}</td>
                <td>{s.ip}</td>
                <td className="muted">{s.userAgent}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Form method="post">
        <button type="submit" className="button button--danger">
          {a.logoutAll}
        </button>
      </Form>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(a.sessionsTitle) }];
