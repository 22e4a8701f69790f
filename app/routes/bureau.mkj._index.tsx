import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import type { RowAction } from '../features/mkj/import.server.ts';
import { EXPORT_FORMATS, EXPORT_WHATS } from '../features/mkj/mapping.ts';
import { mkjPageAction, mkjPageLoader, type Preview } from '../features/mkj/page.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { FormError } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const mz = zhCN.mkj;
const p = mz.page;
const ACTIONS: RowAction[] = ['created', 'updated', 'unchanged', 'skipped', 'error'];
const BADGE: Record<RowAction, string> = {
  created: 'badge badge--status-published',
  updated: 'badge badge--status-submitted',
  unchanged: 'badge',
  skipped: 'badge badge--status-withdrawn',
  error: 'badge badge--status-rejected',
};

export const loader = (args: LoaderFunctionArgs) => mkjPageLoader(args);
export const action = (args: ActionFunctionArgs) => mkjPageAction(args);

function PreviewPanel({ preview }: { preview: Preview }) {
  const where = (sheet: string | null, line: number | null) =>
    [sheet, line === null ? null : String(line)].filter(Boolean).join(' · ') || '—';
  return (
    <section className="panel" aria-labelledby="mkj-preview-heading" data-testid="mkj-preview">
      <h2 id="mkj-preview-heading">{p.previewOf(preview.name)}</h2>
      {preview.stale ? (
        <p className="notice" role="status">
          {mz.import.stale}
        </p>
      ) : null}
      {preview.warnings.length ? (
        <div className="notice notice--quiet" role="note">
          <strong>{p.warningsTitle}</strong>
          <ul>
            {preview.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="table-wrap">
        <table>
          <caption>{p.counts}</caption>
          <thead>
            <tr>
              <th scope="col">{p.table}</th>
              {ACTIONS.map((a) => (
                <th scope="col" key={a}>
                  {mz.common.actions[a]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(['organisation', 'listing'] as const).map((t) => (
              <tr key={t}>
                <th scope="row">{mz.common.tables[t]}</th>
                {ACTIONS.map((a) => (
                  <td key={a} data-testid={`mkj-count-${t}-${a}`}>
                    {preview.counts[t][a]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.issues.length ? (
        <div className="table-wrap" data-testid="mkj-errors">
          <table>
            <caption>{p.errorsTitle(preview.issues.length + preview.moreIssues)}</caption>
            <thead>
              <tr>
                <th scope="col">{p.line}</th>
                <th scope="col">{p.column}</th>
                <th scope="col">{p.reason}</th>
              </tr>
            </thead>
            <tbody>
              {preview.issues.map((i) => (
                <tr key={`${i.sheet}-${i.line}-${i.column}-${i.reason}`}>
                  <td>{where(i.sheet, i.line)}</td>
                  <td>{i.column ?? '—'}</td>
                  <td>{i.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview.moreIssues ? <p>{mz.import.cli.more(preview.moreIssues)}</p> : null}
        </div>
      ) : null}
      {preview.canApply ? (
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="apply" />
          <input type="hidden" name="importId" value={preview.importId} />
          <input type="hidden" name="sha256" value={preview.sha256} />
          <input type="hidden" name="fingerprint" value={preview.fingerprint} />
          <input type="hidden" name="name" value={preview.name} />
          <p className="field__hint">{p.applyHint}</p>
          <button type="submit" className="button">
            {p.apply}
          </button>
        </Form>
      ) : preview.issues.length === 0 ? (
        <p className="notice notice--quiet">{p.nothingToApply}</p>
      ) : null}
      <div className="table-wrap">
        <table>
          <caption>{p.firstRows(preview.rows.length, preview.total)}</caption>
          <thead>
            <tr>
              <th scope="col">{p.line}</th>
              <th scope="col">{p.table}</th>
              <th scope="col">{p.action}</th>
              <th scope="col">{p.record}</th>
              <th scope="col">{p.detail}</th>
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((r) => (
              <tr key={`${r.sheet}-${r.line}`}>
                <td>{where(r.sheet, r.line)}</td>
                <td>{r.kind ?? r.table}</td>
                <td>
                  <span className={BADGE[r.action]}>{mz.common.actions[r.action]}</span>
                </td>
                <td>{r.label || '—'}</td>
                <td>{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export default function BureauMkj() {
  const { applied } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const preview = result && 'preview' in result ? result.preview : null;
  const failure = result && 'fieldErrors' in result ? result : null;
  const fileErrors = failure?.fieldErrors.file;
  return (
    <>
      <PageHeading title={p.title} lead={p.lead} />
      {applied && !result ? (
        <div className="notice notice--ok" role="status" data-testid="mkj-applied">
          <strong>{p.appliedTitle}</strong>{' '}
          {p.applied(applied.created, applied.updated, applied.unchanged, applied.skipped)}
        </div>
      ) : null}
      <section className="panel" aria-labelledby="mkj-import-heading">
        <h2 id="mkj-import-heading">{p.importTitle}</h2>
        <p>{p.importLead}</p>
        <FormError message={failure?.formError} />
        <Form method="post" encType="multipart/form-data" className="form form--inline">
          <div className={fileErrors ? 'field field--invalid' : 'field'}>
            <label htmlFor="f-file">{p.file}</label>
            <p className="field__hint" id="f-file-hint">
              {p.fileHint}
            </p>
            <input
              id="f-file"
              type="file"
              name="file"
              required
              accept=".csv,.xlsx,.json,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-invalid={fileErrors ? true : undefined}
              aria-describedby={fileErrors ? 'f-file-hint f-file-error' : 'f-file-hint'}
            />
            {fileErrors ? (
              <p id="f-file-error" className="field__error" role="alert">
                {fileErrors.join('；')}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button">
            {p.preview}
          </button>
        </Form>
        <p className="muted">{p.formatHelp}</p>
      </section>
      {preview ? <PreviewPanel preview={preview} /> : null}
      <section className="panel" aria-labelledby="mkj-export-heading">
        <h2 id="mkj-export-heading">{p.exportTitle}</h2>
        <p>{p.exportLead}</p>
        <ul className="plain-list">
          {EXPORT_WHATS.map((what) => (
            <li key={what}>
              <strong>{p.exportWhat[what]}</strong>{' '}
              {EXPORT_FORMATS.map((format) => (
                <a
                  key={format}
                  className="button button--small"
                  href={`/bureau/mkj/export/${what}?format=${format}`}
                  download
                >
                  {p.download(format)}
                </a>
              ))}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(p.title) }];
