import { data } from '@remix-run/node';
import type { z } from 'zod';
import { fieldErrors } from './responses.ts';

/** The submitted form as a plain object (last value wins), without file parts. */
export async function formObject(request: Request): Promise<Record<string, string>> {
  const form = await request.formData();
  const out: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === 'string') out[key] = value;
  return out;
}

/** The submitted form as a plain object, plus every value of the repeated keys asked for (checkbox lists). */
export async function formWithLists<K extends string>(
  request: Request,
  listKeys: readonly K[],
): Promise<{ values: Record<string, string>; lists: Record<K, string[]> }> {
  const form = await request.formData();
  const values: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === 'string') values[key] = value;
  const lists = Object.fromEntries(
    listKeys.map((k) => [k, form.getAll(k).filter((v): v is string => typeof v === 'string')]),
  ) as Record<K, string[]>;
  return { values, lists };
}

/** Values sent back to re-fill a refused form: never passwords. */
export function keepValues(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (!/password/i.test(key)) out[key] = value;
  return out;
}

export type FormFailure = {
  fieldErrors: Record<string, string[]>;
  formError?: string;
  values: Record<string, string>;
};

/** A refused form: 4xx with field-level errors and what the person typed (except passwords). */
export function formFailure(
  status: number,
  values: Record<string, string>,
  errors: { fieldErrors?: Record<string, string[]>; formError?: string },
  retryAfterSeconds?: number,
) {
  return data<FormFailure>(
    { fieldErrors: errors.fieldErrors ?? {}, formError: errors.formError, values: keepValues(values) },
    { status, headers: retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : undefined },
  );
}

export function parseWith<S extends z.ZodType>(schema: S, values: Record<string, string>) {
  const parsed = schema.safeParse(values);
  return parsed.success
    ? ({ ok: true, data: parsed.data as z.infer<S> } as const)
    : ({ ok: false, fieldErrors: fieldErrors(parsed.error) } as const);
}
