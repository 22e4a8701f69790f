import { Form } from '@remix-run/react';
import { zhCN } from '../../../i18n/zh-CN.ts';

const p = zhCN.statistics.period;

export interface PeriodFormState {
  values: { from: string; to: string; quarter: string };
  errors: Record<string, string[] | undefined>;
  invalid: boolean;
  quarters: { value: string; label: string }[];
}

/**
 * The statistics period as a GET form (works without JavaScript): a preset quarter, or a range of months.
 * A bad value shows its field message; the page then shows the last 12 months (said in a notice).
 */
export function PeriodForm({
  form,
  action,
  label,
}: {
  form: PeriodFormState;
  action: string;
  label: string;
}) {
  const error = (name: 'from' | 'to' | 'quarter') => form.errors[name]?.[0];
  const field = (name: 'from' | 'to', text: string) => (
    <div className={`field${error(name) ? ' field--invalid' : ''}`}>
      <label htmlFor={`period-${name}`}>{text}</label>
      <input
        id={`period-${name}`}
        type="month"
        name={name}
        min="2000-01"
        max="2100-12"
        pattern="\d{4}-\d{2}"
        placeholder="2026-03"
        defaultValue={form.values[name]}
        aria-invalid={error(name) ? true : undefined}
        aria-describedby={error(name) ? `period-${name}-error` : 'period-hint'}
      />
      {error(name) ? (
        <p id={`period-${name}-error`} className="field__error">
          {error(name)}
        </p>
      ) : null}
    </div>
  );
  return (
    <Form method="get" action={action} className="period-form" aria-label={p.legend}>
      <p className="period-form__current" data-testid="period-label">
        {p.current(label)}
      </p>
      {form.invalid ? (
        <p className="form-error" role="alert">
          {zhCN.statistics.errors.invalid}
        </p>
      ) : null}
      <div className="period-form__fields">
        <div className={`field${error('quarter') ? ' field--invalid' : ''}`}>
          <label htmlFor="period-quarter">{p.quarterField}</label>
          <select
            id="period-quarter"
            name="quarter"
            defaultValue={form.values.quarter}
            aria-invalid={error('quarter') ? true : undefined}
            aria-describedby={error('quarter') ? 'period-quarter-error' : undefined}
          >
            <option value="">{p.custom}</option>
            {form.quarters.map((q) => (
              <option key={q.value} value={q.value}>
                {q.label}
              </option>
            ))}
          </select>
          {error('quarter') ? (
            <p id="period-quarter-error" className="field__error">
              {error('quarter')}
            </p>
          ) : null}
        </div>
        {field('from', p.from)}
        {field('to', p.to)}
        <div className="period-form__actions">
          <button type="submit" className="button">
            {p.submit}
          </button>
          <a href={action} className="period-form__reset">
            {p.reset}
          </a>
        </div>
      </div>
      <p id="period-hint" className="field__hint">
        {p.hint}
      </p>
    </Form>
  );
}
