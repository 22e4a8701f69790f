import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react';
import { login } from '../features/accounts/accounts.server.ts';
import { loginSchema, safeRedirect } from '../features/accounts/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requireAnonymous } from '../server/auth.server.ts';
import { formFailure, formObject, parseWith } from '../server/forms.server.ts';
import { FormError, TextField, useSubmissionKey } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const a = zhCN.auth;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = await formObject(request);
  const parsed = parseWith(loginSchema, values);
  if (!parsed.ok) return formFailure(400, values, { fieldErrors: parsed.fieldErrors });
  const result = await login(context.db, context.config, parsed.data, {
    ip: context.clientIp,
    userAgent: request.headers.get('User-Agent'),
  });
  if (!result.ok) return formFailure(result.status, values, result, result.retryAfterSeconds);
  return redirect(safeRedirect(parsed.data.redirectTo), { headers: { 'Set-Cookie': result.value.cookie } });
}

export default function LoginPage() {
  const failure = useActionData<typeof action>();
  const submission = useSubmissionKey(failure);
  const [params] = useSearchParams();
  const errors = failure?.fieldErrors ?? {};
  return (
    <div className="narrow">
      <PageHeading title={a.loginTitle} lead={a.loginLead} />
      <Form method="post" className="form" noValidate>
        <FormError message={failure?.formError} />
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
        <TextField
          name="email"
          type="email"
          label={a.email}
          autoComplete="username"
          required
          defaultValue={failure?.values.email}
          errors={errors.email}
        />
        <TextField
          key={`password-${submission}`}
          name="password"
          type="password"
          label={a.password}
          autoComplete="current-password"
          required
          errors={errors.password}
        />
        <button type="submit" className="button">
          {a.submitLogin}
        </button>
      </Form>
      <p>
        {a.noAccount} <Link to="/register">{a.registerLink}</Link>
      </p>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(a.loginTitle) }];
