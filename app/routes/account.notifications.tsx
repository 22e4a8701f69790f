import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data as withStatus } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { kindDescription, kindLabel, NOTIFICATION_KINDS } from '../features/notifications/kinds.ts';
import { preferences, savePreferences } from '../features/notifications/notify.server.ts';
import { choicesFromChecked, preferencesFormSchema } from '../features/notifications/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formWithLists } from '../server/forms.server.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const p = zhCN.notifications.preferences;

/** 邮件提醒设置: one checkbox per notification kind. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'update:account:own');
  return { email: principal.email, mail: await preferences(context.db, principal.userId) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'update:account:own');
  const { values, lists } = await formWithLists(request, ['mail']);
  const parsed = preferencesFormSchema.safeParse({ intent: values.intent, mail: lists.mail });
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? zhCN.notifications.errors.unknownIntent;
    return withStatus({ error: message }, { status: 400 });
  }
  await savePreferences(context.db, principal.userId, choicesFromChecked(parsed.data.mail));
  return { message: p.saved };
}

export default function NotificationPreferencesPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="narrow">
      <PageHeading title={p.title} lead={p.lead(data.email)}>
        <p className="row-links">
          <Link to="/account/notices">{p.inbox}</Link>
        </p>
      </PageHeading>
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
      <Form method="post" className="form">
        <input type="hidden" name="intent" value="save" />
        <fieldset className="choice-group">
          <legend>{p.legend}</legend>
          <ul className="pref-list">
            {NOTIFICATION_KINDS.map((kind, i) => (
              <li key={kind}>
                <label className="choice">
                  <input
                    type="checkbox"
                    name="mail"
                    value={kind}
                    defaultChecked={data.mail[kind]}
                    aria-describedby={`pref-${i}-hint`}
                    data-testid={`pref-${kind}`}
                  />
                  {kindLabel(kind)}
                </label>
                <p id={`pref-${i}-hint`} className="field__hint">
                  {kindDescription(kind)}
                </p>
              </li>
            ))}
          </ul>
        </fieldset>
        <button type="submit" className="button">
          {p.submit}
        </button>
      </Form>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(p.title) }];
