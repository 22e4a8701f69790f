import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useRef,
} from 'react';

/*
 * Form fields with their label, hint and field-level error wired for screen readers (aria-invalid,
 * aria-describedby). Plain HTML forms: they work without JavaScript.
 */

export type FieldErrors = Record<string, string[] | undefined>;

function describedBy(id: string, hint?: string, errors?: string[]) {
  return (
    [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(' ') || undefined
  );
}

function FieldShell({
  id,
  label,
  hint,
  errors,
  required,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  errors?: string[];
  required?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={errors?.length ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required ? (
          <span className="field__required" aria-hidden="true">
            {' *'}
          </span>
        ) : null}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {children}
      {errors?.length ? (
        <p id={`${id}-error`} className="field__error" role="alert">
          {errors.join('；')}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({
  name,
  label,
  hint,
  errors,
  ...input
}: {
  name: string;
  label: string;
  hint?: string;
  errors?: string[];
} & InputHTMLAttributes<HTMLInputElement>) {
  const id = input.id ?? `f-${name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors} required={input.required}>
      <input
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
        {...input}
      />
    </FieldShell>
  );
}

export function SelectField({
  name,
  label,
  hint,
  errors,
  options,
  ...select
}: {
  name: string;
  label: string;
  hint?: string;
  errors?: string[];
  options: readonly { value: string; label: string }[];
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = select.id ?? `f-${name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors} required={select.required}>
      <select
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert">
      {message}
    </div>
  );
}

/**
 * A number that changes with every new action result. Used as the `key` of password fields, so that a refused
 * form comes back with its passwords empty also when JavaScript submitted it (the server never sends them back).
 */
export function useSubmissionKey(actionData: unknown): number {
  const ref = useRef({ data: actionData, n: 0 });
  if (ref.current.data !== actionData) ref.current = { data: actionData, n: ref.current.n + 1 };
  return ref.current.n;
}

export function TextAreaField({
  name,
  label,
  hint,
  errors,
  ...area
}: {
  name: string;
  label: string;
  hint?: string;
  errors?: string[];
} & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = area.id ?? `f-${name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors} required={area.required}>
      <textarea
        id={id}
        name={name}
        rows={area.rows ?? 4}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
        {...area}
      />
    </FieldShell>
  );
}

/** A group of checkboxes (or radios) sharing one name, in a fieldset with its legend and error. */
export function ChoiceGroup({
  name,
  legend,
  options,
  selected,
  errors,
  type = 'checkbox',
  hint,
}: {
  name: string;
  legend: string;
  options: readonly { value: string; label: string }[];
  selected: readonly string[];
  errors?: string[];
  type?: 'checkbox' | 'radio';
  hint?: string;
}) {
  const id = `g-${name}`;
  return (
    <fieldset
      className={errors?.length ? 'choice-group field--invalid' : 'choice-group'}
      aria-describedby={describedBy(id, hint, errors)}
    >
      <legend>{legend}</legend>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      <div className="choice-group__options">
        {options.map((o) => (
          <label key={o.value} className="choice">
            <input type={type} name={name} value={o.value} defaultChecked={selected.includes(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
      {errors?.length ? (
        <p id={`${id}-error`} className="field__error" role="alert">
          {errors.join('；')}
        </p>
      ) : null}
    </fieldset>
  );
}
