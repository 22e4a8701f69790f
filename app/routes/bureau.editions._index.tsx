import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { EditionMetaFields } from '../features/editions/components/edition-meta-fields.tsx';
import { createEditionAction, loadEditionList } from '../features/editions/curation.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { FormError } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const b = zhCN.editions.bureau;

export const loader = (args: LoaderFunctionArgs) => loadEditionList(args);
export const action = (args: ActionFunctionArgs) => createEditionAction(args);

export default function BureauEditions() {
  const { editions, defaults } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeading title={b.title} />
      <section className="panel" aria-labelledby="editions-heading">
        <h2 id="editions-heading">{b.list}</h2>
        {editions.length === 0 ? (
          <p className="empty">{zhCN.editions.archiveEmpty}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{b.fieldTitle}</th>
                  <th scope="col">{b.status}</th>
                  <th scope="col">{b.entries}</th>
                  <th scope="col">{b.when}</th>
                </tr>
              </thead>
              <tbody>
                {editions.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <Link to={`/bureau/editions/${x.id}`}>{x.title}</Link>
                    </td>
                    <td>
                      <span className={`badge badge--edition-${x.status}`}>{b.statusLabel[x.status]}</span>
                    </td>
                    <td>{x.entries}</td>
                    <td>{x.publishedAt ?? x.scheduledAt ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel narrow" aria-labelledby="create-heading">
        <h2 id="create-heading">{b.create}</h2>
        <FormError message={failure?.formError} />
        <Form method="post" className="form" noValidate>
          <EditionMetaFields values={failure?.values ?? defaults} errors={failure?.fieldErrors ?? {}} />
          <button type="submit" className="button">
            {b.create}
          </button>
        </Form>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(b.title) }];
