import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { register } from '../features/accounts/accounts.server.ts';
import { PASSWORD_MIN, parseRegistration, REGISTRABLE_TYPES } from '../features/accounts/rules.ts';
import { REGIONS } from '../features/orgs/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requireAnonymous } from '../server/auth.server.ts';
import { formFailure, formObject } from '../server/forms.server.ts';
import { FormError, SelectField, TextField, useSubmissionKey } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const a = zhCN.auth;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = await formObject(request);
  const parsed = parseRegistration(values);
  if (!parsed.ok) return formFailure(400, values, { fieldErrors: parsed.fieldErrors });
  const result = await register(context.db, context.config, parsed.data, {
    ip: context.clientIp,
    userAgent: request.headers.get('User-Agent'),
  });
  if (!result.ok) return formFailure(result.status, values, result, result.retryAfterSeconds);
  return redirect('/account', { headers: { 'Set-Cookie': result.value.cookie } });
}

export default function RegisterPage() {
  const failure = useActionData<typeof action>();
  const submission = useSubmissionKey(failure);
  const errors = failure?.fieldErrors ?? {};
  const v = failure?.values ?? {};
  const mode = v.mode === 'join' ? 'join' : 'new';
  return (
    <div className="narrow">
      <PageHeading title={a.registerTitle} lead={a.registerLead} />
      <Form method="post" className="form" noValidate>
        <FormError message={failure?.formError} />
        <fieldset>
          <legend>{a.modeLegend}</legend>
          <div className="choice">
            <input type="radio" id="mode-new" name="mode" value="new" defaultChecked={mode === 'new'} />
            <label htmlFor="mode-new">{a.modeNew}</label>
          </div>
          <div className="choice">
            <input type="radio" id="mode-join" name="mode" value="join" defaultChecked={mode === 'join'} />
            <label htmlFor="mode-join">{a.modeJoin}</label>
          </div>
          <TextField
            name="uscc"
            label={a.uscc}
            hint={a.usccHint}
            required
            maxLength={24}
            autoComplete="off"
            defaultValue={v.uscc}
            errors={errors.uscc}
          />
          <TextField
            name="organisationName"
            label={a.organisationName}
            defaultValue={v.organisationName}
            errors={errors.organisationName}
            maxLength={100}
          />
          <SelectField
            name="organisationType"
            label={a.organisationType}
            defaultValue={v.organisationType ?? ''}
            errors={errors.organisationType}
            options={[
              { value: '', label: a.chooseType },
              ...REGISTRABLE_TYPES.map((t) => ({
                value: t,
                label: zhCN.organisationType[t],
              })),
            ]}
          />
          <SelectField
            name="region"
            label={a.region}
            defaultValue={v.region ?? REGIONS[0]}
            errors={errors.region}
            options={REGIONS.map((r) => ({ value: r, label: r }))}
          />
        </fieldset>
        <fieldset>
          <legend>{a.person}</legend>
          <TextField
            name="displayName"
            label={a.displayName}
            required
            autoComplete="name"
            defaultValue={v.displayName}
            errors={errors.displayName}
          />
          <TextField
            name="email"
            type="email"
            label={a.email}
            required
            autoComplete="email"
            defaultValue={v.email}
            errors={errors.email}
          />
          <TextField
            name="phone"
            type="tel"
            label={a.phone}
            autoComplete="tel"
            defaultValue={v.phone}
            errors={errors.phone}
          />
          <TextField
            key={`password-${submission}`}
            name="password"
            type="password"
            label={a.password}
            hint={a.passwordHint(PASSWORD_MIN)}
            required
            autoComplete="new-password"
            errors={errors.password}
          />
          <TextField
            key={`passwordConfirm-${submission}`}
            name="passwordConfirm"
            type="password"
            label={a.passwordConfirm}
            required
            autoComplete="new-password"
            errors={errors.passwordConfirm}
          />
        </fieldset>
        <button type="submit" className="button">
          {a.submitRegister}
        </button>
      </Form>
      <p>
        {a.haveAccount} <Link to="/login">{a.submitLogin}</Link>
      </p>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(a.registerTitle) }];
