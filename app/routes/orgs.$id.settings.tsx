import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { MEMBERSHIP_ROLES } from '../../db/schema.ts';
import { changeSettings, settingsFor } from '../features/orgs/orgs.server.ts';
import { settingsChangeSchema } from '../features/orgs/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { deny, requirePermission } from '../server/auth.server.ts';
import { formFailure, formObject, parseWith } from '../server/forms.server.ts';
import { requireIdParam } from '../server/responses.ts';
import { FormError, SelectField, TextField } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const o = zhCN.orgs;
const a = zhCN.auth;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'read:organisation-settings:own');
  const id = requireIdParam(params.id);
  // Object-level check: found only when the principal is an active member of this organisation.
  const settings = await settingsFor(context.db, id, principal);
  if (!settings) {
    return deny(context, principal, {
      path: `/orgs/${id}/settings`,
      entityType: 'organisation',
      entityId: id,
    });
  }
  return {
    ...settings,
    me: principal.userId,
    origin: new URL(request.url).origin,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'update:organisation-settings:own');
  const id = requireIdParam(params.id);
  // Object-level check before anything else: only an owner of this organisation gets further.
  const settings = await settingsFor(context.db, id, principal);
  if (settings?.org.my_role !== 'owner') {
    return deny(context, principal, {
      path: `/orgs/${id}/settings`,
      entityType: 'organisation',
      entityId: id,
    });
  }
  const values = await formObject(request);
  const parsed = parseWith(settingsChangeSchema, values);
  if (!parsed.ok) return formFailure(400, values, { fieldErrors: parsed.fieldErrors });
  const result = await changeSettings(context.db, id, principal, parsed.data, context.clientIp);
  if (!result.ok) {
    if (result.reason === 'not_owner') {
      return deny(context, principal, {
        path: `/orgs/${id}/settings`,
        entityType: 'organisation',
        entityId: id,
      });
    }
    return formFailure(result.status, values, {
      formError: result.reason === 'last_owner' ? o.lastOwner : o.notFound,
    });
  }
  return data({ invitationToken: result.invitationToken ?? null });
}

export default function OrganisationSettings() {
  const { org, members, invitations, me, origin } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && 'fieldErrors' in result ? result : undefined;
  const token = result && 'invitationToken' in result ? result.invitationToken : null;
  const isOwner = org.my_role === 'owner';
  return (
    <>
      <PageHeading title={o.settingsTitle(org.name)}>
        <p>
          {o.verificationState}：
          <span className={`badge badge--${org.verification}`}>{a.verification[org.verification]}</span>
        </p>
        {org.verification === 'rejected' && org.verification_note ? (
          <p className="notice">{a.rejectionReason(org.verification_note)}</p>
        ) : null}
      </PageHeading>
      <FormError message={failure?.formError} />
      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading">{o.members}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{o.memberName}</th>
                <th scope="col">{o.memberEmail}</th>
                <th scope="col">{o.memberRole}</th>
                <th scope="col">{o.memberStatus}</th>
                {isOwner ? <th scope="col">{o.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.user_id}>
                  <td>{m.display_name}</td>
                  <td>{m.email}</td>
                  <td>{a.membershipRole[m.role]}</td>
                  <td>{a.membershipStatus[m.status]}</td>
                  {isOwner ? (
                    <td>
                      {m.user_id === me ? null : (
                        <MemberActions userId={m.user_id} status={m.status} role={m.role} />
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {isOwner ? (
        <section className="panel" aria-labelledby="invite-heading">
          <h2 id="invite-heading">{o.invite}</h2>
          {token ? (
            <p className="notice notice--ok" role="status">
              {o.invitationCreated} <code>{`${origin}/invitations/${token}`}</code>
            </p>
          ) : null}
          <Form method="post" className="form form--inline">
            <input type="hidden" name="intent" value="invite" />
            <TextField
              name="email"
              type="email"
              label={o.inviteEmail}
              required
              defaultValue={failure?.values.intent === 'invite' ? failure.values.email : undefined}
              errors={failure?.fieldErrors.email}
            />
            <SelectField
              name="role"
              label={o.inviteRole}
              options={MEMBERSHIP_ROLES.map((r) => ({ value: r, label: a.membershipRole[r] }))}
              defaultValue="member"
            />
            <button type="submit" className="button">
              {o.sendInvite}
            </button>
          </Form>
          {invitations.length ? (
            <>
              <h3>{o.invitations}</h3>
              <ul className="plain-list">
                {invitations.map((i) => (
                  <li key={i.id}>
                    {i.email}（{a.membershipRole[i.role]}）
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="revoke-invitation" />
                      <input type="hidden" name="invitationId" value={i.id} />
                      <button type="submit" className="button button--small">
                        {o.revoke}
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

function MemberActions({ userId, status, role }: { userId: number; status: string; role: string }) {
  const act = (intent: string, label: string, extra?: Record<string, string>) => (
    <Form method="post" className="inline-form" key={intent + (extra?.role ?? '')}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="userId" value={userId} />
      {extra
        ? Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)
        : null}
      <button type="submit" className="button button--small">
        {label}
      </button>
    </Form>
  );
  if (status === 'requested') return <>{[act('approve', o.approve), act('decline', o.decline)]}</>;
  return (
    <>
      {[
        role === 'owner'
          ? act('role', o.makeMember, { role: 'member' })
          : act('role', o.makeOwner, { role: 'owner' }),
        act('remove', o.remove),
      ]}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(a.settings) }];
