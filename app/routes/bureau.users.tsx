import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import type { PlatformRole } from '../../db/schema.ts';
import { administerUser, listUsers } from '../features/bureau/bureau.server.ts';
import { userAdminSchema } from '../features/bureau/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formFailure, formObject, parseWith } from '../server/forms.server.ts';
import { notFound } from '../server/responses.ts';
import { FormError } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const b = zhCN.bureau;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'manage:user:any');
  // Without NUL characters: PostgreSQL cannot compare with one (tests/fuzz: ?q=%00 answered 500).
  const q =
    new URL(request.url).searchParams.get('q')?.replaceAll('\u0000', '').trim().slice(0, 100) || undefined;
  return { q: q ?? '', users: await listUsers(context.db, q) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'manage:user:any');
  const values = await formObject(request);
  const parsed = parseWith(userAdminSchema, values);
  if (!parsed.ok) return formFailure(400, values, { fieldErrors: parsed.fieldErrors });
  const done = await administerUser(
    context.db,
    { userId: parsed.data.userId, action: parsed.data.intent },
    principal,
    context.clientIp,
  );
  if (!done) throw notFound();
  return { done: parsed.data.intent };
}

export default function UsersPage() {
  const { q, users } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <PageHeading title={b.usersTitle} />
      {result && 'done' in result ? (
        <p className="notice notice--ok" role="status">
          {b.userDone[result.done]}
        </p>
      ) : null}
      <FormError message={result && 'formError' in result ? result.formError : undefined} />
      <Form method="get" className="filter-bar">
        <label htmlFor="user-q">{b.userSearch}</label>
        <input id="user-q" name="q" defaultValue={q} />
        <button type="submit" className="button">
          {b.search}
        </button>
      </Form>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{zhCN.auth.displayName}</th>
              <th scope="col">{zhCN.auth.email}</th>
              <th scope="col">{b.roles}</th>
              <th scope="col">{b.sessionsCount}</th>
              <th scope="col">{zhCN.orgs.memberStatus}</th>
              <th scope="col">{zhCN.orgs.actions}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.display_name}</td>
                <td>{u.email}</td>
                <td>
                  {(u.roles ?? [])
                    .map((r) => zhCN.auth.platformRole[r as PlatformRole])
                    .join(zhCN.listSeparator)}
                </td>
                <td>{u.active_sessions ?? 0}</td>
                <td>{b.userStatus[u.status]}</td>
                <td>
                  {(['end-sessions', u.status === 'active' ? 'disable' : 'enable'] as const).map((intent) => (
                    <Form method="post" className="inline-form" key={intent}>
                      <input type="hidden" name="userId" value={u.id} />
                      <input type="hidden" name="intent" value={intent} />
                      <button type="submit" className="button button--small">
                        {intent === 'end-sessions'
                          ? b.endSessions
                          : intent === 'disable'
                            ? b.disable
                            : b.enable}
                      </button>
                    </Form>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(b.usersTitle) }];
