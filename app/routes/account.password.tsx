import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData } from '@remix-run/react';
import { changePassword } from '../features/accounts/accounts.server.ts';
import { PASSWORD_MIN, passwordChangeSchema } from '../features/accounts/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formFailure, formObject, parseWith } from '../server/forms.server.ts';
import { FormError, TextField, useSubmissionKey } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const a = zhCN.auth;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'update:account:own');
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'update:account:own');
  const values = await formObject(request);
  const parsed = parseWith(passwordChangeSchema, values);
  if (!parsed.ok) return formFailure(400, values, { fieldErrors: parsed.fieldErrors });
  const result = await changePassword(context.db, parsed.data, {
    userId: principal.userId,
    sessionIdHash: principal.sessionIdHash,
    ip: context.clientIp,
  });
  if (!result.ok) return formFailure(result.status, values, result);
  return { done: a.passwordChanged(result.value.otherSessionsEnded) };
}

export default function PasswordPage() {
  const result = useActionData<typeof action>();
  const submission = useSubmissionKey(result);
  const failure = result && 'fieldErrors' in result ? result : undefined;
  const errors = failure?.fieldErrors ?? {};
  return (
    <div className="narrow">
      <PageHeading title={a.passwordTitle} />
      {result && 'done' in result ? (
        <p className="notice notice--ok" role="status">
          {result.done}
        </p>
      ) : null}
      <Form method="post" className="form" noValidate>
        <FormError message={failure?.formError} />
        <TextField
          key={`currentPassword-${submission}`}
          name="currentPassword"
          type="password"
          label={a.currentPassword}
          autoComplete="current-password"
          required
          errors={errors.currentPassword}
        />
        <TextField
          key={`password-${submission}`}
          name="password"
          type="password"
          label={a.newPassword}
          hint={a.passwordHint(PASSWORD_MIN)}
          autoComplete="new-password"
          required
          errors={errors.password}
        />
        <TextField
          key={`passwordConfirm-${submission}`}
          name="passwordConfirm"
          type="password"
          label={a.passwordConfirm}
          autoComplete="new-password"
          required
          errors={errors.passwordConfirm}
        />
        <button type="submit" className="button">
          {a.submitPassword}
        </button>
      </Form>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(a.passwordTitle) }];
