import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { CHAIN_ACTIONS, LISTING_KINDS } from '../../db/schema.ts';
import { EditionMetaFields } from '../features/editions/components/edition-meta-fields.tsx';
import { EditionStatsPanel } from '../features/editions/components/edition-view.tsx';
import { loadWorkbench, workbenchAction } from '../features/editions/curation.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { FormError, TextAreaField, TextField } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.editions;
const b = t.bureau;

export const loader = (args: LoaderFunctionArgs) => loadWorkbench(args);
export const action = (args: ActionFunctionArgs) => workbenchAction(args);

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function doneMessage(done: string | null, n: string | null): string | null {
  switch (done) {
    case 'created':
      return b.created;
    case 'meta':
      return b.metaSaved;
    case 'add':
      return b.added(Number(n ?? 0));
    case 'remove':
      return b.removed;
    case 'move':
      return b.moved;
    case 'entry':
      return b.entrySaved;
    case 'publish':
      return b.published;
    case 'unschedule':
      return b.scheduleCancelled;
    case 'erratum':
      return b.erratumPublished;
    default:
      return null;
  }
}

/** Hidden fields every draft-changing form carries: the intent and the version the page was built from. */
function Hidden({ intent, version }: { intent: string; version: number }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="version" value={version} />
    </>
  );
}

function EntriesPanel({ d }: { d: Data }) {
  const draft = d.edition.status === 'draft';
  return (
    <section className="panel" id="entries" aria-labelledby="entries-heading">
      <h2 id="entries-heading">
        {b.entries} <span className="muted">{t.entriesCount(d.entries.length)}</span>
      </h2>
      {d.entries.length === 0 ? <p className="empty">{b.noEntries}</p> : null}
      {(['demand', 'supply'] as const).map((section) => {
        const list = d.entries.filter((x) => x.section === section);
        if (list.length === 0) return null;
        return (
          <div key={section}>
            <h3>{t.section[section]}</h3>
            <ol className="plain-list curation-list">
              {list.map((x, i) => (
                <li key={x.id} className="curation-entry">
                  <div>
                    <strong>{x.title}</strong> <span className="muted">{zhCN.kind[x.kind]}</span>
                    {x.fieldName ? <span className="muted"> · {x.fieldName}</span> : null}
                    {x.liveState !== 'live' ? (
                      <span className="badge badge--status-withdrawn">
                        {x.liveState === 'withdrawn'
                          ? t.entryWithdrawn
                          : x.liveState === 'expired'
                            ? t.entryExpired
                            : t.entryHidden}
                      </span>
                    ) : null}
                  </div>
                  {draft ? (
                    <div className="curation-entry__actions">
                      <Form method="post" className="inline-form">
                        <Hidden intent="entry" version={d.edition.version} />
                        <input type="hidden" name="entry" value={x.id} />
                        <label className="visually-hidden" htmlFor={`chain-${x.id}`}>
                          {`${b.chain}：${x.title}`}
                        </label>
                        <select id={`chain-${x.id}`} name="chain_action" defaultValue={x.chainAction}>
                          {CHAIN_ACTIONS.map((c) => (
                            <option key={c} value={c}>
                              {zhCN.chainAction[c]}
                            </option>
                          ))}
                        </select>
                        <label className="visually-hidden" htmlFor={`note-${x.id}`}>
                          {`${t.note}：${x.title}`}
                        </label>
                        <input
                          id={`note-${x.id}`}
                          name="note"
                          maxLength={300}
                          defaultValue={x.note}
                          placeholder={t.note}
                        />
                        <button type="submit" className="button button--small">
                          {b.saveEntry}
                        </button>
                      </Form>
                      <Form method="post" className="inline-form">
                        <Hidden intent="move" version={d.edition.version} />
                        <input type="hidden" name="entry" value={x.id} />
                        <button
                          type="submit"
                          name="direction"
                          value="up"
                          className="button button--small button--link"
                          disabled={i === 0}
                          aria-label={`${b.moveUp}：${x.title}`}
                        >
                          {b.moveUp}
                        </button>
                        <button
                          type="submit"
                          name="direction"
                          value="down"
                          className="button button--small button--link"
                          disabled={i === list.length - 1}
                          aria-label={`${b.moveDown}：${x.title}`}
                        >
                          {b.moveDown}
                        </button>
                      </Form>
                      <Form method="post" className="inline-form">
                        <Hidden intent="remove" version={d.edition.version} />
                        <input type="hidden" name="entry" value={x.id} />
                        <button
                          type="submit"
                          className="button button--small button--danger"
                          aria-label={`${b.remove}：${x.title}`}
                        >
                          {b.remove}
                        </button>
                      </Form>
                    </div>
                  ) : x.note ? (
                    <p className="muted">
                      {t.note}：{x.note}
                    </p>
                  ) : null}
                </li>
              ))}
            </ol>
          </div>
        );
      })}
    </section>
  );
}

function SearchPanel({ d }: { d: Data }) {
  return (
    <section className="panel" aria-labelledby="add-heading">
      <h2 id="add-heading">{b.addFromSearch}</h2>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is not in React 18's element types; the role says the same. */}
      <Form method="get" className="form form--inline" role="search">
        <TextField
          name="q"
          label={b.searchLabel}
          defaultValue={d.search?.q ?? ''}
          maxLength={200}
          type="search"
        />
        <div className="field">
          <label htmlFor="add-kind">{zhCN.search.facets.kind}</label>
          <select id="add-kind" name="kind" defaultValue={d.search?.kind ?? ''}>
            <option value="">{b.allKinds}</option>
            {LISTING_KINDS.map((k) => (
              <option key={k} value={k}>
                {zhCN.kind[k]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {b.searchButton}
        </button>
      </Form>
      {d.search ? (
        <Form method="post" className="form">
          <Hidden intent="add" version={d.edition.version} />
          <p className="muted">{b.results(d.search.total)}</p>
          <ul className="plain-list">
            {d.search.hits.map((h) => (
              <li key={h.id}>
                <label className="choice">
                  <input type="checkbox" name="listing" value={h.id} disabled={h.added} />
                  <span>
                    {h.title} <span className="muted">{zhCN.kind[h.kind]}</span>
                    {h.organisation ? <span className="muted"> · {h.organisation}</span> : null}
                    {h.fields ? <span className="muted"> · {h.fields}</span> : null}
                    {h.added ? <span className="badge">{b.alreadyIn}</span> : null}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {d.search.hits.length ? (
            <button type="submit" className="button">
              {b.addSelected}
            </button>
          ) : null}
        </Form>
      ) : null}
    </section>
  );
}

export default function EditionWorkbench() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const ed = d.edition;
  const url = typeof window === 'undefined' ? null : new URL(window.location.href);
  const done = failure ? null : doneMessage(d.done, url?.searchParams.get('n') ?? null);
  return (
    <>
      <PageHeading title={ed.title}>
        <p>
          <span className={`badge badge--edition-${ed.status}`}>{b.statusLabel[ed.status]}</span>
          {ed.scheduledAt ? ` ${b.scheduled(ed.scheduledAt)}` : null}
          {' · '}
          <Link to="/bureau/editions">{b.list}</Link>
          {' · '}
          {ed.publicPath ? (
            <Link to={ed.publicPath}>{t.title}</Link>
          ) : (
            <Link to={`/bureau/editions/${ed.id}/preview`}>{b.preview}</Link>
          )}
        </p>
      </PageHeading>
      {done ? (
        <p className="notice notice--ok" role="status">
          {done}
        </p>
      ) : null}
      <FormError message={failure?.formError} />
      {ed.status === 'published' ? <p className="notice">{b.publishedReadOnly}</p> : null}

      {ed.status === 'draft' ? (
        <section className="panel narrow" aria-labelledby="meta-heading">
          <h2 id="meta-heading">{b.saveMeta}</h2>
          <Form method="post" className="form" noValidate>
            <Hidden intent="meta" version={ed.version} />
            <EditionMetaFields
              values={failure?.values.intent === 'meta' ? failure.values : ed}
              errors={failure?.values.intent === 'meta' ? failure.fieldErrors : {}}
            />
            <button type="submit" className="button">
              {b.saveMeta}
            </button>
          </Form>
        </section>
      ) : null}

      <EntriesPanel d={d} />
      {ed.status === 'draft' ? <SearchPanel d={d} /> : null}
      {d.entries.length ? <EditionStatsPanel model={d.model} /> : null}

      {ed.status === 'draft' ? (
        <section className="panel narrow" aria-labelledby="publish-heading">
          <h2 id="publish-heading">{b.publishNow}</h2>
          <p className="muted">{b.publishConfirm}</p>
          <Form method="post" className="form">
            <Hidden intent="publish" version={ed.version} />
            <button type="submit" className="button">
              {b.publishNow}
            </button>
          </Form>
          <Form method="post" className="form" noValidate>
            <Hidden intent="schedule" version={ed.version} />
            <TextField
              name="scheduled_at"
              type="datetime-local"
              label={b.scheduleAt}
              required
              defaultValue={failure?.values.scheduled_at ?? ''}
              errors={failure?.fieldErrors.scheduled_at}
            />
            <button type="submit" className="button">
              {b.schedule}
            </button>
          </Form>
        </section>
      ) : null}
      {ed.status === 'scheduled' ? (
        <section className="panel narrow" aria-labelledby="publish-heading">
          <h2 id="publish-heading">{b.schedule}</h2>
          <Form method="post" className="form">
            <Hidden intent="publish" version={ed.version} />
            <button type="submit" className="button">
              {b.publishNow}
            </button>
          </Form>
          <Form method="post" className="form">
            <Hidden intent="unschedule" version={ed.version} />
            <button type="submit" className="button button--danger">
              {b.cancelSchedule}
            </button>
          </Form>
        </section>
      ) : null}
      {ed.status === 'published' ? (
        <section className="panel narrow" aria-labelledby="erratum-heading">
          <h2 id="erratum-heading">{b.addErratum}</h2>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="erratum" />
            <TextAreaField
              name="body"
              label={b.erratumBody}
              required
              maxLength={2000}
              rows={3}
              defaultValue={failure?.values.body ?? ''}
              errors={failure?.fieldErrors.body}
            />
            <button type="submit" className="button">
              {b.addErratum}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data?.edition.title ?? b.title) },
];
