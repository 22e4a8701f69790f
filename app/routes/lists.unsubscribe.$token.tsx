import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { findByUnsubscribeToken, unsubscribe } from '../features/editions/subscriptions.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { notFound } from '../server/responses.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const s = zhCN.editions.subscribe;

/*
 * The unsubscribe link of every list mail. GET shows the address and a button (mail scanners fetch links); the
 * POST unsubscribes. Unknown token → 404.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const row = await findByUnsubscribeToken(context.db, params.token ?? '');
  if (!row) throw notFound(s.unsubscribeInvalid);
  return { email: row.email, unsubscribed: row.status === 'unsubscribed' };
}

export async function action({ params, context }: ActionFunctionArgs) {
  const result = await unsubscribe(context.db, params.token ?? '', context.clientIp);
  if (!result.ok) throw notFound(s.unsubscribeInvalid);
  return { unsubscribed: true as const };
}

export default function UnsubscribePage() {
  const { email, unsubscribed } = useLoaderData<typeof loader>();
  if (unsubscribed)
    return (
      <div className="narrow">
        <PageHeading title={s.unsubscribeTitle} />
        <p className="notice notice--ok" role="status" data-testid="unsubscribed">
          {s.unsubscribed}
        </p>
        <p>
          <Link to="/lists/subscribe">{s.resubscribe}</Link>
        </p>
      </div>
    );
  return (
    <div className="narrow">
      <PageHeading title={s.unsubscribeTitle} lead={s.unsubscribeLead(email)} />
      <Form method="post">
        <button type="submit" className="button">
          {s.unsubscribeButton}
        </button>
      </Form>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(s.unsubscribeTitle) }];
