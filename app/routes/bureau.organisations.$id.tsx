import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { decideVerification, organisationForReview } from '../features/bureau/bureau.server.ts';
import { verificationDecisionSchema } from '../features/bureau/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formFailure, formObject, parseWith } from '../server/forms.server.ts';
import { notFound, requireIdParam } from '../server/responses.ts';
import { FormError, TextField } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const b = zhCN.bureau;
const a = zhCN.auth;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'verify:organisation:any');
  const review = await organisationForReview(context.db, requireIdParam(params.id));
  if (!review) throw notFound();
  return review;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'verify:organisation:any');
  const id = requireIdParam(params.id);
  const values = await formObject(request);
  const parsed = parseWith(verificationDecisionSchema, values);
  if (!parsed.ok) return formFailure(400, values, { fieldErrors: parsed.fieldErrors });
  const done = await decideVerification(
    context.db,
    { organisationId: id, decision: parsed.data.decision, reason: parsed.data.reason ?? null },
    principal,
    context.clientIp,
  );
  if (!done) throw notFound();
  return { decided: parsed.data.decision };
}

export default function ReviewOrganisation() {
  const { org, members } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && 'fieldErrors' in result ? result : undefined;
  return (
    <>
      <PageHeading title={b.reviewTitle(org.name)}>
        <p>
          <span className={`badge badge--${org.verification}`}>{a.verification[org.verification]}</span>
        </p>
      </PageHeading>
      {result && 'decided' in result ? (
        <p className="notice notice--ok" role="status">
          {b.decided[result.decided]}
        </p>
      ) : null}
      <section className="panel">
        <dl className="facts">
          <div className="facts__row">
            <dt>{b.type}</dt>
            <dd>{zhCN.organisationType[org.type]}</dd>
          </div>
          <div className="facts__row">
            <dt>{b.uscc}</dt>
            <dd>{org.uscc}</dd>
          </div>
          <div className="facts__row">
            <dt>{b.region}</dt>
            <dd>{org.region}</dd>
          </div>
        </dl>
        <h2>{b.applicants}</h2>
        <ul className="plain-list">
          {members.map((m) => (
            <li key={m.email}>
              {m.display_name} · {m.email} {m.phone ? `· ${m.phone}` : ''} · {a.membershipRole[m.role]} ·{' '}
              {a.membershipStatus[m.status]}
            </li>
          ))}
        </ul>
      </section>
      <section className="panel">
        <FormError message={failure?.formError} />
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="decision" value="verified" />
          <button type="submit" className="button">
            {b.verify}
          </button>
        </Form>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="decision" value="rejected" />
          <TextField
            name="reason"
            label={b.reason}
            required
            maxLength={500}
            defaultValue={failure?.values.reason}
            errors={failure?.fieldErrors.reason}
          />
          <button type="submit" className="button button--danger">
            {b.reject}
          </button>
        </Form>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(b.verificationTitle) }];
