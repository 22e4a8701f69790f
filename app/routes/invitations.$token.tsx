import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useLocation } from '@remix-run/react';
import { acceptInvitation, findInvitation } from '../features/orgs/orgs.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { getPrincipal, requireUser } from '../server/auth.server.ts';
import { notFound } from '../server/responses.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const o = zhCN.orgs;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const invitation = await findInvitation(context.db, params.token ?? '');
  if (!invitation) throw notFound(o.invitationInvalid);
  const principal = await getPrincipal(request, context);
  return {
    organisation: invitation.organisation_name,
    role: invitation.role,
    signedIn: Boolean(principal),
    emailMatches: principal ? principal.email.toLowerCase() === invitation.email.toLowerCase() : false,
    invitedEmail: invitation.email,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const principal = await requireUser(request, context);
  const result = await acceptInvitation(context.db, params.token ?? '', principal, context.clientIp);
  if (result.ok) return redirect('/account');
  // A refusal answers 4xx (found by tests/fuzz: it answered 200 with the error).
  return result.reason === 'wrong_email'
    ? data({ error: 'wrong_email' as const }, { status: 403 })
    : data({ error: 'invalid' as const }, { status: 404 });
}

export default function InvitationPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  return (
    <div className="narrow">
      <PageHeading
        title={o.invitationTitle}
        lead={o.invitationText(data.organisation, zhCN.auth.membershipRole[data.role])}
      />
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error === 'wrong_email' ? o.invitationWrongEmail(data.invitedEmail) : o.invitationInvalid}
        </p>
      ) : null}
      {!data.signedIn ? (
        <Link className="button" to={`/login?redirectTo=${encodeURIComponent(location.pathname)}`}>
          {o.loginToAccept}
        </Link>
      ) : data.emailMatches ? (
        <Form method="post">
          <button type="submit" className="button">
            {o.acceptInvitation}
          </button>
        </Form>
      ) : (
        <p className="notice">{o.invitationWrongEmail(data.invitedEmail)}</p>
      )}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(o.invitationTitle) }];
