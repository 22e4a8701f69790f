import { data } from '@remix-run/node';
import type { z } from 'zod';
import { zhCN } from '../i18n/zh-CN.ts';
import { badRequest, fieldErrors } from './responses.ts';

/**
 * The request's form body. A body that is no form (another Content-Type, none at all, broken multipart) is the
 * client's mistake: 400, not an exception that would answer 500. So is a NUL character in a name or a value:
 * no field takes one and PostgreSQL cannot store it (text and jsonb refuse it). Both found by tests/fuzz.
 */
export async function readForm(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw badRequest(zhCN.errors.badForm);
  }
  for (const [key, value] of form) {
    if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) {
      throw badRequest(zhCN.errors.badForm);
    }
  }
  return form;
}

/** The submitted form as a plain object (last value wins), without file parts. */
export async function formObject(request: Request): Promise<Record<string, string>> {
  const form = await readForm(request);
  const out: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === 'string') out[key] = value;
  return out;
}

/** The submitted form as a plain object, plus every value of the repeated keys asked for (checkbox lists). */
export async function formWithLists<K extends string>(
  request: Request,
  listKeys: readonly K[],
): Promise<{ values: Record<string, string>; lists: Record<K, string[]> }> {
  const form = await readForm(request);
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
