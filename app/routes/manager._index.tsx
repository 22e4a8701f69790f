import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { MatchTable } from '../features/matching/components/match-table.tsx';
import { loadBoard, proposeAction } from '../features/matching/match-routes.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { FormError, TextAreaField, TextField } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const b = zhCN.deals.board;

export const loader = (args: LoaderFunctionArgs) => loadBoard(args);
export const action = (args: ActionFunctionArgs) => proposeAction(args);

/** 技术经理人工作台: my matches (stale first), open matches to take, a new proposal. */
export default function ManagerBoard() {
  const { mine, open, prefill } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeading title={b.title} lead={b.lead} />
      <section aria-labelledby="mine-heading">
        <h2 id="mine-heading">{b.mine}</h2>
        <MatchTable rows={mine} caption={b.mine} />
      </section>
      <section aria-labelledby="open-heading">
        <h2 id="open-heading">{b.open}</h2>
        <MatchTable rows={open} caption={b.open} />
      </section>
      <section className="panel narrow" aria-labelledby="propose-heading">
        <h2 id="propose-heading">{b.propose}</h2>
        <p className="muted">{b.proposeLead}</p>
        <FormError message={failure?.formError} />
        <Form method="post" className="form" noValidate>
          <TextField
            name="need"
            label={b.needId}
            inputMode="numeric"
            required
            defaultValue={failure?.values.need ?? prefill.need}
            errors={failure?.fieldErrors.need}
          />
          <TextField
            name="offer"
            label={b.offerId}
            inputMode="numeric"
            required
            defaultValue={failure?.values.offer ?? prefill.offer}
            errors={failure?.fieldErrors.offer}
          />
          <TextAreaField
            name="note"
            label={b.proposeNote}
            maxLength={1000}
            rows={2}
            defaultValue={failure?.values.note}
            errors={failure?.fieldErrors.note}
          />
          <button type="submit" className="button">
            {b.proposeSubmit}
          </button>
        </Form>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(b.title) }];
