import type { ActionFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData } from '@remix-run/react';
import { requestSubscription } from '../features/editions/subscriptions.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { formFailure, formObject } from '../server/forms.server.ts';
import { siteOrigin } from '../server/responses.ts';
import { FormError, TextField } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const s = zhCN.editions.subscribe;

/** Subscribe to the supply–demand list by e-mail (double opt-in: the confirmation mail carries the link). */
export async function action({ request, context }: ActionFunctionArgs) {
  const values = await formObject(request);
  const result = await requestSubscription(context.db, {
    email: values.email ?? '',
    ip: context.clientIp,
    origin: siteOrigin(context.config, request),
  });
  if (!result.ok) return formFailure(result.status, values, result, result.retryAfterSeconds);
  return { done: true as const };
}

export default function SubscribePage() {
  const result = useActionData<typeof action>();
  const failure = result && 'fieldErrors' in result ? result : undefined;
  return (
    <div className="narrow">
      <PageHeading title={s.title} lead={s.lead} />
      {result && 'done' in result ? (
        <p className="notice notice--ok" role="status" data-testid="subscribe-done">
          {s.checkMail}
        </p>
      ) : (
        <Form method="post" className="form" noValidate>
          <FormError message={failure?.formError} />
          <TextField
            name="email"
            type="email"
            label={s.email}
            autoComplete="email"
            inputMode="email"
            required
            maxLength={254}
            defaultValue={failure?.values.email}
            errors={failure?.fieldErrors.email}
          />
          <button type="submit" className="button">
            {s.submit}
          </button>
        </Form>
      )}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(s.title) }];
