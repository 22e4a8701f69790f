import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { DECLINE_REASONS } from '../../db/schema.ts';
import { loadMyInterests, myInterestsAction } from '../features/matching/interest-pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { FormError, SelectField, TextAreaField } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.deals.interest;
const mz = zhCN.matching;

export const loader = (args: LoaderFunctionArgs) => loadMyInterests(args);
export const action = (args: ActionFunctionArgs) => myInterestsAction(args);

type Item = ReturnType<typeof useLoaderData<typeof loader>>['received'][number];

const DONE: Record<string, string> = { sent: t.sent, declined: t.declined, withdrawn: t.withdrawn };

function Status({ item }: { item: Item }) {
  return (
    <>
      <span className={`badge badge--interest-${item.status}`}>{mz.interestStatus[item.status]}</span>
      {item.overdue ? <span className="badge badge--status-rejected">{mz.overdue}</span> : null}
    </>
  );
}

function Received({
  item,
  failure,
}: {
  item: Item;
  failure: ReturnType<typeof useActionData<typeof action>>;
}) {
  const mine = failure?.values.id === String(item.id);
  return (
    <li className="panel" data-testid={`interest-${item.id}`}>
      <p>
        <strong>{t.to(item.listingTitle)}</strong> <Status item={item} />
      </p>
      <p className="muted">
        {item.requester}
        {item.status === 'pending' ? ` · ${t.respondBy(item.respondBy)}` : null}
        {item.respondedAt ? ` · ${t.respondedAt(item.respondedAt)}` : null}
      </p>
      <p className="prose">{item.message}</p>
      {item.declineLabel ? <p className="muted">{item.declineLabel}</p> : null}
      {item.matchId ? <Link to={`/matches/${item.matchId}`}>{t.goToMatch}</Link> : null}
      {item.status === 'pending' ? (
        <div className="interest-actions">
          {mine ? <FormError message={failure?.formError} /> : null}
          <Form method="post" className="inline-form">
            <input type="hidden" name="id" value={item.id} />
            <input type="hidden" name="version" value={item.version} />
            <button type="submit" name="intent" value="accept" className="button">
              {t.accept}
            </button>
          </Form>
          <details open={mine && Object.keys(failure?.fieldErrors ?? {}).length > 0}>
            <summary>{t.decline}</summary>
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="id" value={item.id} />
              <input type="hidden" name="version" value={item.version} />
              <SelectField
                id={`reason-${item.id}`}
                name="reason_code"
                label={t.declineReason}
                required
                options={[
                  { value: '', label: '—' },
                  ...DECLINE_REASONS.map((r) => ({ value: r, label: mz.declineReason[r] })),
                ]}
                defaultValue={mine ? failure?.values.reason_code : ''}
                errors={mine ? failure?.fieldErrors.reason_code : undefined}
              />
              <TextAreaField
                id={`reason-text-${item.id}`}
                name="reason_text"
                label={t.declineText}
                hint={t.declineTextHint}
                maxLength={500}
                rows={2}
                defaultValue={mine ? failure?.values.reason_text : ''}
                errors={mine ? failure?.fieldErrors.reason_text : undefined}
              />
              <button type="submit" name="intent" value="decline" className="button button--danger">
                {t.decline}
              </button>
            </Form>
          </details>
        </div>
      ) : null}
    </li>
  );
}

function Sent({ item }: { item: Item }) {
  return (
    <li className="panel" data-testid={`sent-interest-${item.id}`}>
      <p>
        <Link to={`/listings/${item.listingId}`}>{item.listingTitle}</Link> <Status item={item} />
      </p>
      <p className="prose">{item.message}</p>
      {item.declineLabel ? <p className="notice">{t.declinedBecause(item.declineLabel)}</p> : null}
      {item.matchId ? <Link to={`/matches/${item.matchId}`}>{t.goToMatch}</Link> : null}
      {item.status === 'pending' ? (
        <Form method="post" className="inline-form">
          <input type="hidden" name="id" value={item.id} />
          <input type="hidden" name="version" value={item.version} />
          <button type="submit" name="intent" value="withdraw" className="button button--small">
            {t.withdraw}
          </button>
        </Form>
      ) : null}
    </li>
  );
}

export default function MyInterests() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const done = failure ? null : d.done ? DONE[d.done] : null;
  return (
    <>
      <PageHeading title={t.myTitle} />
      {done ? (
        <p className="notice notice--ok" role="status">
          {done}
        </p>
      ) : null}
      {failure?.formError && !failure.values.id ? <FormError message={failure.formError} /> : null}
      <section aria-labelledby="received-heading">
        <h2 id="received-heading">{t.received}</h2>
        {d.received.length === 0 ? <p className="empty">{t.none}</p> : null}
        <ul className="plain-list">
          {d.received.map((item) => (
            <Received key={item.id} item={item} failure={failure} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="sent-heading">
        <h2 id="sent-heading">{t.sentTitle}</h2>
        {d.sent.length === 0 ? <p className="empty">{t.none}</p> : null}
        <ul className="plain-list">
          {d.sent.map((item) => (
            <Sent key={item.id} item={item} />
          ))}
        </ul>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(t.myTitle) }];
