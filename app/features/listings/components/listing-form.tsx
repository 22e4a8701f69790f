import { Form } from '@remix-run/react';
import {
  ACHIEVEMENT_TYPES,
  CONFIDENTIALITIES,
  DEMAND_TYPES,
  type ListingKind,
  SCENARIO_TYPES,
} from '../../../../db/schema.ts';
import { zhCN } from '../../../i18n/zh-CN.ts';
import { ChoiceGroup, FormError, SelectField, TextAreaField, TextField } from '../../../ui/form.tsx';
import { REGIONS } from '../../orgs/rules.ts';
import type { Completeness } from '../completeness.ts';
import { COOPERATION_MODES, type FormValues, TRANSFER_MODES } from '../form.ts';

const f = zhCN.listingForm;

export interface ListingFormProps {
  kind: ListingKind;
  values: FormValues;
  errors: Record<string, string[] | undefined>;
  formError?: string;
  fields: readonly { code: string; name: string }[];
  /** Edit form: the version it was loaded at (optimistic concurrency). */
  version?: number;
  /** New form: the organisations the user may post for. */
  organisations?: readonly { id: number; name: string }[];
  completeness?: Completeness;
  submitLabel: string;
  /** Multipart when attachments may be added with the form. */
  encType?: 'multipart/form-data';
}

function v(values: FormValues, key: string): string {
  const value = values[key];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
function many(values: FormValues, key: string): string[] {
  const value = values[key];
  // A refused form comes back with multi-value fields joined by commas (codes never contain one).
  return Array.isArray(value) ? value : value ? value.split(',') : [];
}

/** The create / edit form of one kind. A plain POST form: works without JavaScript. */
export function ListingForm(props: ListingFormProps) {
  const { kind, values, errors, fields } = props;
  const select = (options: readonly string[], labels: Record<string, string>) => [
    { value: '', label: f.choose },
    ...options.map((o) => ({ value: o, label: labels[o] ?? o })),
  ];
  return (
    <Form method="post" className="form listing-form" noValidate encType={props.encType}>
      <FormError message={props.formError} />
      {props.version !== undefined ? <input type="hidden" name="version" value={props.version} /> : null}
      {props.completeness ? <CompletenessPanel completeness={props.completeness} /> : null}
      <fieldset>
        <legend>{f.sections.basics}</legend>
        {props.organisations && props.organisations.length > 1 ? (
          <SelectField
            name="organisationId"
            label={f.organisation}
            options={props.organisations.map((o) => ({ value: String(o.id), label: o.name }))}
            defaultValue={v(values, 'organisationId')}
            errors={errors.organisationId}
          />
        ) : props.organisations?.[0] ? (
          <input type="hidden" name="organisationId" value={props.organisations[0].id} />
        ) : null}
        <TextField
          name="title"
          label={f.title}
          hint={f.titleHint}
          required
          maxLength={120}
          defaultValue={v(values, 'title')}
          errors={errors.title}
        />
        <TextAreaField
          name="summary"
          label={f.summary}
          hint={f.summaryHint}
          required
          maxLength={600}
          rows={3}
          defaultValue={v(values, 'summary')}
          errors={errors.summary}
        />
        <ChoiceGroup
          name="fieldCodes"
          legend={f.fields}
          options={fields.map((x) => ({ value: x.code, label: x.name }))}
          selected={many(values, 'fieldCodes')}
          errors={errors.fieldCodes}
        />
        <TextField
          name="keywords"
          label={f.keywords}
          hint={f.keywordsHint}
          defaultValue={v(values, 'keywords')}
          errors={errors.keywords}
        />
        <SelectField
          name="region"
          label={f.region}
          options={REGIONS.map((r) => ({ value: r, label: r }))}
          defaultValue={v(values, 'region') || REGIONS[0]}
          errors={errors.region}
        />
        {kind === 'demand' ? (
          <SelectField
            name="demand_type"
            label={f.demandType}
            required
            options={select(DEMAND_TYPES, zhCN.demandType)}
            defaultValue={v(values, 'demand_type')}
            errors={errors.demand_type}
          />
        ) : kind === 'achievement' ? (
          <SelectField
            name="achievement_type"
            label={f.achievementType}
            required
            options={select(ACHIEVEMENT_TYPES, zhCN.achievementType)}
            defaultValue={v(values, 'achievement_type')}
            errors={errors.achievement_type}
          />
        ) : (
          <SelectField
            name="scenario_type"
            label={f.scenarioType}
            required
            options={select(SCENARIO_TYPES, zhCN.scenarioType)}
            defaultValue={v(values, 'scenario_type')}
            errors={errors.scenario_type}
          />
        )}
      </fieldset>

      <fieldset>
        <legend>{kind === 'scenario' ? f.sections.scenario : f.sections.targets}</legend>
        <TextAreaField
          name="detail"
          label={f.detail}
          hint={f.detailHint}
          maxLength={5000}
          rows={6}
          defaultValue={v(values, 'detail')}
          errors={errors.detail}
        />
        <TextAreaField
          name="indicators"
          label={f.indicators[kind]}
          hint={f.indicatorsHint}
          required={kind === 'demand'}
          maxLength={2000}
          defaultValue={v(values, 'indicators')}
          errors={errors.indicators}
        />
        {kind === 'achievement' ? (
          <>
            {[1, 2, 3].map((n) => (
              <TextField
                key={n}
                name={`innovation_point_${n}`}
                label={f.innovationPoint(n)}
                maxLength={200}
                defaultValue={v(values, `innovation_point_${n}`)}
                errors={n === 1 ? errors.innovation_points : undefined}
              />
            ))}
            <TextField
              name="patent_numbers"
              label={f.patentNumbers}
              hint={f.patentHint}
              defaultValue={v(values, 'patent_numbers')}
              errors={errors.patent_numbers}
            />
            <SelectField
              name="trl"
              label={f.trl}
              required
              options={[
                { value: '', label: f.choose },
                ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({
                  value: String(n),
                  label: zhCN.trlOption(n, zhCN.trl[n] ?? ''),
                })),
              ]}
              defaultValue={v(values, 'trl')}
              errors={errors.trl}
            />
            <TextAreaField
              name="team"
              label={f.team}
              maxLength={500}
              rows={2}
              defaultValue={v(values, 'team')}
              errors={errors.team}
            />
            <TextAreaField
              name="advantages"
              label={f.advantages}
              maxLength={1000}
              rows={3}
              defaultValue={v(values, 'advantages')}
              errors={errors.advantages}
            />
          </>
        ) : null}
        {kind === 'scenario' ? (
          <>
            <TextField
              name="issuing_unit"
              label={f.issuingUnit}
              required
              maxLength={100}
              defaultValue={v(values, 'issuing_unit')}
              errors={errors.issuing_unit}
            />
            <TextField
              name="location"
              label={f.location}
              maxLength={200}
              defaultValue={v(values, 'location')}
              errors={errors.location}
            />
            <TextAreaField
              name="expected_tech"
              label={f.expectedTech}
              maxLength={1000}
              rows={3}
              defaultValue={v(values, 'expected_tech')}
              errors={errors.expected_tech}
            />
            <TextField
              name="period_start"
              type="date"
              label={f.periodStart}
              defaultValue={v(values, 'period_start')}
              errors={errors.period_start}
            />
            <TextField
              name="period_end"
              type="date"
              label={f.periodEnd}
              defaultValue={v(values, 'period_end')}
              errors={errors.period_end}
            />
          </>
        ) : null}
      </fieldset>

      <fieldset>
        <legend>{f.sections.terms}</legend>
        {kind === 'demand' ? (
          <>
            <ChoiceGroup
              name="cooperation_modes"
              legend={f.cooperationModes}
              options={COOPERATION_MODES.map((m) => ({ value: m, label: zhCN.mode[m] }))}
              selected={many(values, 'cooperation_modes')}
              errors={errors.cooperation_modes}
            />
            <TextField
              name="budget_min_wan"
              label={f.budgetMin}
              inputMode="decimal"
              defaultValue={v(values, 'budget_min_wan')}
              errors={errors.budget_min_wan}
            />
            <TextField
              name="budget_max_wan"
              label={f.budgetMax}
              inputMode="decimal"
              defaultValue={v(values, 'budget_max_wan')}
              errors={errors.budget_max_wan}
            />
            <TextField
              name="deadline"
              type="date"
              label={f.deadline}
              defaultValue={v(values, 'deadline')}
              errors={errors.deadline}
            />
            <TextField
              name="ip_expectation"
              label={f.ipExpectation}
              maxLength={200}
              defaultValue={v(values, 'ip_expectation')}
              errors={errors.ip_expectation}
            />
          </>
        ) : kind === 'achievement' ? (
          <>
            <ChoiceGroup
              name="transfer_modes"
              legend={f.transferModes}
              options={TRANSFER_MODES.map((m) => ({ value: m, label: zhCN.mode[m] }))}
              selected={many(values, 'transfer_modes')}
              errors={errors.transfer_modes}
            />
            <TextField
              name="price_wan"
              label={f.price}
              inputMode="decimal"
              defaultValue={v(values, 'price_wan')}
              errors={errors.price_wan}
            />
            <label className="choice">
              <input
                type="checkbox"
                name="price_negotiable"
                defaultChecked={v(values, 'price_negotiable') === 'on'}
              />
              {f.priceNegotiable}
            </label>
          </>
        ) : (
          <>
            <TextField
              name="investment_wan"
              label={f.investment}
              inputMode="decimal"
              defaultValue={v(values, 'investment_wan')}
              errors={errors.investment_wan}
            />
            <label className="choice">
              <input type="checkbox" name="first_trial" defaultChecked={v(values, 'first_trial') === 'on'} />
              {f.firstTrial}
            </label>
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>{f.sections.visibility}</legend>
        <ChoiceGroup
          type="radio"
          name="confidentiality"
          legend={f.confidentiality}
          hint={f.confidentialityHint}
          options={CONFIDENTIALITIES.map((c) => ({ value: c, label: zhCN.confidentiality[c] }))}
          selected={[v(values, 'confidentiality') || 'public']}
          errors={errors.confidentiality}
        />
      </fieldset>

      <fieldset>
        <legend>{f.sections.contact}</legend>
        <TextField
          name="contact_name"
          label={f.contactName}
          maxLength={60}
          defaultValue={v(values, 'contact_name')}
          errors={errors.contact_name}
        />
        <TextField
          name="contact_phone"
          type="tel"
          label={f.contactPhone}
          defaultValue={v(values, 'contact_phone')}
          errors={errors.contact_phone}
        />
        <TextField
          name="contact_email"
          type="email"
          label={f.contactEmail}
          defaultValue={v(values, 'contact_email')}
          errors={errors.contact_email}
        />
      </fieldset>
      <button type="submit" name="intent" value="save" className="button">
        {props.submitLabel}
      </button>
    </Form>
  );
}

export function CompletenessPanel({ completeness }: { completeness: Completeness }) {
  return (
    <section className="completeness" aria-label={zhCN.completeness.label}>
      <p>
        <CompletenessBadge score={completeness.score} />
      </p>
      {completeness.hints.length ? (
        <>
          <p className="muted">{zhCN.completeness.hintsTitle}</p>
          <ul>
            {completeness.hints.map((h) => (
              <li key={h}>{h}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function CompletenessBadge({ score }: { score: number }) {
  const level = score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor';
  return <span className={`badge badge--score-${level}`}>{zhCN.completeness.score(score)}</span>;
}
