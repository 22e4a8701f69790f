import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { confirmSubscription, findByConfirmToken } from '../features/editions/subscriptions.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { notFound } from '../server/responses.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const s = zhCN.editions.subscribe;

/*
 * The confirmation link of the double opt-in. GET only shows the address and a button (mail scanners fetch links);
 * the POST confirms. Unknown, replaced or expired token → 404 with the "link invalid" message.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const row = await findByConfirmToken(context.db, params.token ?? '');
  if (!row) throw notFound(s.invalidToken);
  return { email: row.email, confirmed: row.status === 'active' };
}

export async function action({ params, context }: ActionFunctionArgs) {
  const result = await confirmSubscription(context.db, params.token ?? '', new Date(), context.clientIp);
  if (!result.ok) throw notFound(s.invalidToken);
  return { confirmed: true as const };
}

export default function ConfirmSubscriptionPage() {
  const { email, confirmed } = useLoaderData<typeof loader>();
  if (confirmed)
    return (
      <div className="narrow">
        <PageHeading title={s.confirmTitle} />
        <p className="notice notice--ok" role="status" data-testid="subscription-confirmed">
          {s.confirmed}
        </p>
        <p>
          <Link to="/lists">{zhCN.editions.title}</Link>
        </p>
      </div>
    );
  return (
    <div className="narrow">
      <PageHeading title={s.confirmTitle} lead={s.confirmLead(email)} />
      <Form method="post">
        <button type="submit" className="button">
          {s.confirmButton}
        </button>
      </Form>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(s.confirmTitle) }];
