import { zhCN } from '../../../i18n/zh-CN.ts';
import { type FieldErrors, TextAreaField, TextField } from '../../../ui/form.tsx';

const b = zhCN.editions.bureau;

type Values = Partial<
  Record<'title' | 'year' | 'number' | 'period_start' | 'period_end' | 'introduction', unknown>
>;

/** The fields of an edition's details (new-edition form and the workbench). */
export function EditionMetaFields({ values, errors }: { values: Values; errors: FieldErrors }) {
  const v = (k: keyof Values) => (values[k] === null || values[k] === undefined ? '' : String(values[k]));
  return (
    <>
      <TextField
        name="title"
        label={b.fieldTitle}
        required
        maxLength={100}
        defaultValue={v('title')}
        errors={errors.title}
      />
      <div className="field-row">
        <TextField
          name="year"
          label={b.fieldYear}
          required
          inputMode="numeric"
          defaultValue={v('year')}
          errors={errors.year}
        />
        <TextField
          name="number"
          label={b.fieldNumber}
          hint={b.fieldNumberHint}
          required
          inputMode="numeric"
          defaultValue={v('number')}
          errors={errors.number}
        />
      </div>
      <div className="field-row">
        <TextField
          name="period_start"
          type="date"
          label={b.fieldPeriodStart}
          defaultValue={v('period_start')}
          errors={errors.period_start}
        />
        <TextField
          name="period_end"
          type="date"
          label={b.fieldPeriodEnd}
          defaultValue={v('period_end')}
          errors={errors.period_end}
        />
      </div>
      <TextAreaField
        name="introduction"
        label={b.fieldIntroduction}
        maxLength={2000}
        rows={3}
        defaultValue={v('introduction')}
        errors={errors.introduction}
      />
    </>
  );
}
