import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ACTIVITY_KINDS, CONTRACT_TYPES, DECLINE_REASONS } from '../../db/schema.ts';
import { loadMatch, matchAction } from '../features/matching/match-routes.server.ts';
import type { MatchAction } from '../features/matching/match-state.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { FormError, SelectField, TextAreaField, TextField } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.deals.match;
const mz = zhCN.matching;

export const loader = (args: LoaderFunctionArgs) => loadMatch(args);
export const action = (args: ActionFunctionArgs) => matchAction(args);

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Failure = ReturnType<typeof useActionData<typeof action>>;

function Side({ label, side }: { label: string; side: Data['need'] }) {
  return (
    <section className="panel" aria-label={label}>
      <h2>{label}</h2>
      {side.organisation ? (
        <p>
          <Link to={`/orgs/${side.organisation.id}`}>{side.organisation.name}</Link>
        </p>
      ) : (
        <p className="muted">
          {zhCN.organisationType[side.type]} · {side.region} · {t.hidden}
        </p>
      )}
      {side.listing ? (
        <p>
          {zhCN.kind[side.listing.kind]}：
          <Link to={`/listings/${side.listing.id}`}>{side.listing.title}</Link>
        </p>
      ) : null}
      {side.contact ? (
        <dl className="facts" data-testid="contacts">
          <div className="facts__row">
            <dt>{t.contactPerson}</dt>
            <dd>{side.contact.name ?? '—'}</dd>
          </div>
          <div className="facts__row">
            <dt>{t.phone}</dt>
            <dd>{side.contact.phone ?? '—'}</dd>
          </div>
          <div className="facts__row">
            <dt>{t.email}</dt>
            <dd>{side.contact.email ?? '—'}</dd>
          </div>
        </dl>
      ) : null}
      {side.mkj ? (
        <p className="muted">
          {t.mkj}：{side.mkj.url ? <a href={side.mkj.url}>{side.mkj.id}</a> : side.mkj.id}
        </p>
      ) : null}
    </section>
  );
}

function Hidden({ intent, version }: { intent: string; version: number }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="version" value={version} />
    </>
  );
}

function mine(failure: Failure, intent: string) {
  return failure?.values.intent === intent ? failure : undefined;
}

/** One form per available action; contract, registration and decline carry their fields. */
function ActionForm({ action: a, d, failure }: { action: MatchAction; d: Data; failure: Failure }) {
  const f = mine(failure, a);
  const fe = f?.fieldErrors ?? {};
  const v = f?.values ?? {};
  const danger = a === 'decline' || a === 'withdraw';
  return (
    <Form method="post" className="form panel" noValidate aria-label={mz.action[a]}>
      <Hidden intent={a} version={d.version} />
      {a === 'sign_contract' ? (
        <>
          <SelectField
            name="contract_type"
            label={t.contractType}
            required
            options={[
              { value: '', label: '—' },
              ...CONTRACT_TYPES.map((c) => ({ value: c, label: mz.contractType[c] })),
            ]}
            defaultValue={v.contract_type ?? ''}
            errors={fe.contract_type}
          />
          <TextField
            name="amount_wan"
            label={t.contractAmount}
            required
            inputMode="decimal"
            defaultValue={v.amount_wan ?? ''}
            errors={fe.amount_wan}
          />
          <TextField
            name="signed_on"
            type="date"
            label={t.signedOn}
            required
            max={d.today}
            defaultValue={v.signed_on ?? ''}
            errors={fe.signed_on}
          />
        </>
      ) : null}
      {a === 'register' ? (
        <>
          <TextField
            name="registration_no"
            label={t.registrationNo}
            required
            inputMode="numeric"
            maxLength={16}
            defaultValue={v.registration_no ?? ''}
            errors={fe.registration_no}
          />
          <TextField
            name="certified_amount_wan"
            label={t.certifiedAmount}
            required
            inputMode="decimal"
            defaultValue={v.certified_amount_wan ?? ''}
            errors={fe.certified_amount_wan}
          />
          <TextField
            name="registered_on"
            type="date"
            label={t.registeredOn}
            required
            max={d.today}
            defaultValue={v.registered_on ?? ''}
            errors={fe.registered_on}
          />
          <TextField
            name="office"
            label={t.office}
            required
            maxLength={60}
            defaultValue={v.office ?? ''}
            errors={fe.office}
          />
        </>
      ) : null}
      {a === 'decline' ? (
        <>
          <SelectField
            name="reason_code"
            label={zhCN.deals.interest.declineReason}
            required
            options={[
              { value: '', label: '—' },
              ...DECLINE_REASONS.map((r) => ({ value: r, label: mz.declineReason[r] })),
            ]}
            defaultValue={v.reason_code ?? ''}
            errors={fe.reason_code}
          />
          <TextAreaField
            name="reason_text"
            label={zhCN.deals.interest.declineText}
            hint={zhCN.deals.interest.declineTextHint}
            maxLength={500}
            rows={2}
            defaultValue={v.reason_text ?? ''}
            errors={fe.reason_text}
          />
        </>
      ) : (
        <TextField
          id={`note-${a}`}
          name="note"
          label={`${t.note}（${mz.action[a]}）`}
          maxLength={1000}
          defaultValue={v.note ?? ''}
          errors={fe.note}
        />
      )}
      <button type="submit" className={danger ? 'button button--danger' : 'button'}>
        {mz.action[a]}
      </button>
    </Form>
  );
}

export default function MatchPage() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const done = failure ? null : d.done;
  return (
    <>
      <PageHeading title={t.title(d.id)}>
        <p>
          {t.state}：
          <span className={`badge badge--match-${d.state}`} data-testid="match-state">
            {mz.state[d.state]}
          </span>
          {' · '}
          {d.manager ? t.brokeredBy(d.manager) : t.noManager}
        </p>
        {d.mkj ? (
          <p data-testid="match-mkj">
            {t.mkj}：
            {d.mkj.url ? (
              <a href={d.mkj.url} rel="external noopener">
                {d.mkj.id}
              </a>
            ) : (
              d.mkj.id
            )}
          </p>
        ) : null}
      </PageHeading>
      {done ? (
        <p className="notice notice--ok" role="status">
          {done === 'accepted'
            ? zhCN.deals.interest.accepted
            : done === 'proposed'
              ? zhCN.deals.board.proposed
              : t.actionDone}
        </p>
      ) : null}
      <FormError message={failure?.formError} />
      <div className="match-sides">
        <Side label={t.need} side={d.need} />
        <Side label={t.offer} side={d.offer} />
      </div>
      {d.contract || d.registration || d.endReason ? (
        <section className="panel" aria-labelledby="contract-heading">
          <h2 id="contract-heading">{t.contract}</h2>
          <dl className="facts">
            {d.contract ? (
              <>
                <div className="facts__row">
                  <dt>{t.contractType}</dt>
                  <dd>{mz.contractType[d.contract.type]}</dd>
                </div>
                <div className="facts__row">
                  <dt>{t.contractAmount}</dt>
                  <dd>{d.contract.amount}</dd>
                </div>
                <div className="facts__row">
                  <dt>{t.signedOn}</dt>
                  <dd>{d.contract.signedOn}</dd>
                </div>
              </>
            ) : null}
            {d.registration ? (
              <>
                <div className="facts__row">
                  <dt>{t.registrationNo}</dt>
                  <dd>{d.registration.no}</dd>
                </div>
                <div className="facts__row">
                  <dt>{t.certifiedAmount}</dt>
                  <dd>{d.registration.certified}</dd>
                </div>
                <div className="facts__row">
                  <dt>{t.registeredOn}</dt>
                  <dd>{d.registration.registeredOn}</dd>
                </div>
                <div className="facts__row">
                  <dt>{t.office}</dt>
                  <dd>{d.registration.office}</dd>
                </div>
              </>
            ) : null}
            {d.endReason ? (
              <div className="facts__row">
                <dt>{t.endReason}</dt>
                <dd>{d.endReason}</dd>
              </div>
            ) : null}
          </dl>
        </section>
      ) : null}
      {d.actions.length ? (
        <section aria-label={t.state}>
          {d.actions.map((a) => (
            <ActionForm key={a} action={a} d={d} failure={failure} />
          ))}
        </section>
      ) : null}
      {d.canTake ? (
        <Form method="post" className="form">
          <Hidden intent="take" version={d.version} />
          <button type="submit" className="button">
            {t.takeMatch}
          </button>
        </Form>
      ) : null}
      {d.managers.length ? (
        <Form method="post" className="form form--inline panel">
          <Hidden intent="assign" version={d.version} />
          <SelectField
            name="manager"
            label={t.assignManager}
            options={d.managers.map((x) => ({ value: String(x.id), label: x.name }))}
            errors={mine(failure, 'assign')?.fieldErrors.manager}
          />
          <button type="submit" className="button">
            {t.assign}
          </button>
        </Form>
      ) : null}
      <section className="panel" aria-labelledby="events-heading">
        <h2 id="events-heading">{t.events}</h2>
        <ol className="history" data-testid="match-events">
          {d.events.map((ev) => (
            <li key={ev.id}>
              <time>{ev.at}</time> ·{' '}
              {mz.action[ev.type as MatchAction] ?? zhCN.deals.eventType[ev.type] ?? ev.type}
              {ev.to && ev.to !== ev.from ? ` → ${mz.state[ev.to]}` : null} ·{' '}
              {t.eventBy(ev.actor ?? t.system, mz.actor[ev.role])}
              {ev.note ? <div className="muted">{ev.note}</div> : null}
            </li>
          ))}
        </ol>
      </section>
      {d.canLog || d.activities.length ? (
        <section className="panel" aria-labelledby="activities-heading">
          <h2 id="activities-heading">{t.activities}</h2>
          {d.activities.length ? (
            <ul className="plain-list">
              {d.activities.map((a) => (
                <li key={a.id}>
                  {a.on} · {t.activityKinds[a.kind]} · {t.minutesValue(a.minutes)} · {a.by}
                  <div className="muted">{a.note}</div>
                </li>
              ))}
            </ul>
          ) : null}
          {d.canLog ? (
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="activity" />
              <SelectField
                name="kind"
                label={t.activityKind}
                options={ACTIVITY_KINDS.map((k) => ({ value: k, label: t.activityKinds[k] }))}
                errors={mine(failure, 'activity')?.fieldErrors.kind}
              />
              <TextField
                name="minutes"
                label={t.minutes}
                inputMode="numeric"
                defaultValue="30"
                errors={mine(failure, 'activity')?.fieldErrors.minutes}
              />
              <TextField
                name="occurred_on"
                type="date"
                label={t.occurredOn}
                defaultValue={d.today}
                max={d.today}
                errors={mine(failure, 'activity')?.fieldErrors.occurred_on}
              />
              <TextAreaField
                name="note"
                id="activity-note"
                label={t.activityNote}
                maxLength={1000}
                rows={2}
                errors={mine(failure, 'activity')?.fieldErrors.note}
              />
              <button type="submit" className="button">
                {t.logActivity}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data ? t.title(data.id) : t.listTitle) },
];
