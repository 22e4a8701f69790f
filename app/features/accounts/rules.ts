import { z } from 'zod';
import { ORGANISATION_TYPES, type OrganisationType } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { isValidUscc, normaliseUscc } from '../orgs/rules.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

/* Pure rules of accounts: form schemas, the password policy. Messages are the field-level errors shown. */

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

const t = zhCN.accounts.errors;

/** Why a new password is refused, or null. Length counts characters (a Chinese character counts as one). */
export function passwordProblem(password: string, context: { email?: string } = {}): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return t.passwordTooShort(PASSWORD_MIN);
  if (length > PASSWORD_MAX) return t.passwordTooLong(PASSWORD_MAX);
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return t.passwordCommon;
  if (/^(.)\1+$/u.test(password)) return t.passwordCommon;
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local)) return t.passwordContainsEmail;
  return null;
}

const email = z
  .string({ error: t.emailRequired })
  .trim()
  .min(1, { error: t.emailRequired })
  .max(254, { error: t.emailInvalid })
  .pipe(z.email({ error: t.emailInvalid }))
  .transform((value) => value.toLowerCase());

const newPassword = z.string({ error: t.passwordRequired }).min(1, { error: t.passwordRequired });

export const loginSchema = z.object({
  email,
  password: z
    .string({ error: t.passwordRequired })
    .min(1, { error: t.passwordRequired })
    .max(PASSWORD_MAX * 4),
  redirectTo: z.string().optional(),
});

const uscc = z
  .string({ error: t.usccRequired })
  .transform(normaliseUscc)
  .refine((value) => value.length > 0, { error: t.usccRequired })
  .refine((value) => isValidUscc(value), { error: t.usccInvalid });

/** Public bodies are set up by the bureau, not self-registered. */
export const REGISTRABLE_TYPES = ORGANISATION_TYPES.filter(
  (type): type is Exclude<OrganisationType, 'public_body'> => type !== 'public_body',
) as [Exclude<OrganisationType, 'public_body'>, ...Exclude<OrganisationType, 'public_body'>[]];

const newOrganisationSchema = z.object({
  mode: z.literal('new'),
  organisationName: z
    .string({ error: t.organisationNameRequired })
    .trim()
    .min(2, { error: t.organisationNameRequired })
    .max(100, { error: t.organisationNameTooLong }),
  organisationType: z.enum(REGISTRABLE_TYPES, { error: t.organisationTypeRequired }),
  uscc,
  region: z.string({ error: t.regionRequired }).trim().min(2, { error: t.regionRequired }).max(40),
});

const joinOrganisationSchema = z.object({ mode: z.literal('join'), uscc });

const personSchema = z
  .object({
    displayName: z
      .string({ error: t.displayNameRequired })
      .trim()
      .min(1, { error: t.displayNameRequired })
      .max(60, { error: t.displayNameTooLong }),
    email,
    phone: z
      .string()
      .trim()
      .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})?$/, { error: t.phoneInvalid })
      .optional(),
    password: newPassword,
    passwordConfirm: z.string().optional(),
  })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.password, { email: value.email });
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
    if (value.password !== value.passwordConfirm) {
      ctx.addIssue({ code: 'custom', path: ['passwordConfirm'], message: t.passwordMismatch });
    }
  });

/** Registration of a person with a new organisation, or with a request to join an existing one. */
export const registrationSchema = z.intersection(
  personSchema,
  z.discriminatedUnion('mode', [newOrganisationSchema, joinOrganisationSchema], { error: t.modeRequired }),
);

export type Registration = z.infer<typeof registrationSchema>;

/**
 * Parses a registration form, reporting the person's and the organisation's field errors together (a failed
 * part would otherwise hide the other's errors).
 */
export function parseRegistration(
  values: Record<string, string>,
): { ok: true; data: Registration } | { ok: false; fieldErrors: Record<string, string[]> } {
  const person = personSchema.safeParse(values);
  const organisation =
    values.mode === 'join'
      ? joinOrganisationSchema.safeParse(values)
      : newOrganisationSchema.safeParse({ ...values, mode: 'new' });
  if (person.success && organisation.success) {
    return { ok: true, data: { ...person.data, ...organisation.data } as Registration };
  }
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of [...(person.error?.issues ?? []), ...(organisation.error?.issues ?? [])]) {
    const key = String(issue.path[0] ?? '_');
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  return { ok: false, fieldErrors };
}

export const passwordChangeSchema = z
  .object({
    currentPassword: z
      .string({ error: t.currentPasswordRequired })
      .min(1, { error: t.currentPasswordRequired }),
    password: newPassword,
    passwordConfirm: z.string(),
  })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.password);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
    if (value.password === value.currentPassword) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: t.passwordUnchanged });
    }
    if (value.password !== value.passwordConfirm) {
      ctx.addIssue({ code: 'custom', path: ['passwordConfirm'], message: t.passwordMismatch });
    }
  });

/** Only local paths are followed after login (no open redirect). */
export function safeRedirect(target: string | null | undefined, fallback = '/account'): string {
  if (!target?.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  return target;
}
