import { Form, Link } from '@remix-run/react';
import { zhCN } from '../../../i18n/zh-CN.ts';
import { type FieldErrors, FormError, SelectField, TextAreaField } from '../../../ui/form.tsx';
import type { InterestPanel as Panel } from '../interest-pages.server.ts';

const t = zhCN.deals.interest;

/** The "express interest" panel of a listing page: a form, or a sentence saying why not. */
export function InterestPanel({
  panel,
  failure,
}: {
  panel: Panel;
  failure?: { fieldErrors: FieldErrors; formError?: string; values: Record<string, string> } | null;
}) {
  return (
    <section className="panel narrow" aria-labelledby="interest-heading" id="interest">
      <h2 id="interest-heading">{t.panelTitle}</h2>
      {panel.mode === 'signIn' ? (
        <p>
          <Link to="/login">{zhCN.nav.login}</Link> · {t.signInToExpress}
        </p>
      ) : null}
      {panel.mode === 'notVerified' ? <p>{t.notVerified}</p> : null}
      {panel.mode === 'own' ? <p className="muted">{t.ownListing}</p> : null}
      {panel.mode === 'already' ? (
        <p>
          {t.already} <Link to="/my/interests">{t.myTitle}</Link>
        </p>
      ) : null}
      {panel.mode === 'form' ? (
        <>
          <p className="muted">{t.panelLead}</p>
          <FormError message={failure?.formError} />
          <Form method="post" className="form" noValidate>
            {panel.organisations.length > 1 ? (
              <SelectField
                name="organisation"
                label={t.asOrganisation}
                options={panel.organisations.map((o) => ({ value: String(o.id), label: o.name }))}
                defaultValue={failure?.values.organisation}
              />
            ) : (
              <input type="hidden" name="organisation" value={panel.organisations[0]!.id} />
            )}
            <TextAreaField
              name="message"
              label={t.message}
              hint={t.messageHint}
              required
              maxLength={1000}
              rows={4}
              defaultValue={failure?.values.message ?? ''}
              errors={failure?.fieldErrors.message}
            />
            <button type="submit" className="button">
              {t.submit}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
