import { z } from 'zod';
import { matchingZh } from '../../i18n/zh-CN/matching.ts';
import { DAY_MS } from '../listings/lifecycle.ts';

/*
 * Expressions of interest (意向), decline reasons and the contract forms of a match, as pure rules and zod
 * schemas over submitted forms (field names = input names; errors carry the field path and a Chinese message).
 * - An interest is pending until the other side replies (accepted / declined) or the sender withdraws it. Being
 *   overdue is computed from `respond_by`, never stored as a status.
 * - Text lengths count characters (code points) after trimming, as PostgreSQL's char_length does.
 * - Amounts are in 万元: a positive number with at most two decimals, at most 1,000,000; the string form of a form
 *   post (thousands separators allowed) or a number. Dates are 'YYYY-MM-DD' and may not lie after `today`
 *   (Beijing date, see todayInBeijing in listings/form.ts).
 */
const f = matchingZh.form;

import {
  CONTRACT_TYPES,
  type ContractType,
  DECLINE_REASONS,
  type DeclineReason,
  INTEREST_STATUSES,
  type InterestStatus,
} from '../../../db/schema.ts';

export {
  CONTRACT_TYPES,
  type ContractType,
  DECLINE_REASONS,
  type DeclineReason,
  INTEREST_STATUSES,
  type InterestStatus,
};

export const DEFAULT_RESPONSE_DAYS = 7;
export const DEFAULT_REMINDER_HOURS = 48;
export const MAX_AMOUNT_WAN = 1_000_000;

const HOUR_MS = 3_600_000;

function charCount(v: string): number {
  return [...v].length;
}

/** Trimmed text of min..max characters; empty gives `required`. */
function text(min: number, max: number, m: { required: string; tooShort: string; tooLong: string }) {
  return z
    .string({ error: m.required })
    .trim()
    .superRefine((v, ctx) => {
      const n = charCount(v);
      const message = n === 0 ? m.required : n < min ? m.tooShort : n > max ? m.tooLong : null;
      if (message) ctx.addIssue({ code: 'custom', message });
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Interest

/** The message of an expression of interest: 10–1000 characters. */
export const interestMessage = text(10, 1000, {
  required: f.interest.messageRequired,
  tooShort: f.interest.messageTooShort,
  tooLong: f.interest.messageTooLong,
});

/** The interest form: { message }. */
export const interestSchema = z.object({ message: interestMessage });
export type InterestInput = z.infer<typeof interestSchema>;

/** The decline form: a reason code, and a text that is required (5–500) for 'other', optional (≤ 500) otherwise. */
export const declineSchema = z
  .object({
    reason_code: z.enum(DECLINE_REASONS, { error: f.decline.reasonRequired }),
    reason_text: z
      .string()
      .trim()
      .nullish()
      .superRefine((v, ctx) => {
        if (v && charCount(v) > 500) ctx.addIssue({ code: 'custom', message: f.decline.textTooLong });
      })
      .transform((v) => (v ? v : null)),
  })
  .superRefine((v, ctx) => {
    if (v.reason_code !== 'other') return;
    const n = v.reason_text === null ? 0 : charCount(v.reason_text);
    const message = n === 0 ? f.decline.textRequired : n < 5 ? f.decline.textTooShort : null;
    if (message) ctx.addIssue({ code: 'custom', path: ['reason_text'], message });
  });
export type DeclineInput = z.infer<typeof declineSchema>;

/** When a reply is due: `days` × 24 hours after the interest was created. */
export function responseDeadline(createdAt: Date, days: number = DEFAULT_RESPONSE_DAYS): Date {
  if (!Number.isFinite(days) || days <= 0)
    throw new RangeError(`responseDeadline: days must be > 0 (${days})`);
  return new Date(createdAt.getTime() + days * DAY_MS);
}

/** A pending interest past its deadline (strictly after `respondBy`). */
export function isOverdue(interest: { status: InterestStatus; respondBy: Date }, now: Date): boolean {
  return interest.status === 'pending' && now.getTime() > interest.respondBy.getTime();
}

/**
 * Whether to send the one reminder of a pending interest: from `hoursBefore` hours before the deadline until
 * the deadline. A reminder sent before that window (for an earlier, since extended deadline) does not count.
 * Past the deadline no reminder is due; the interest is overdue instead.
 */
export function reminderDue(
  interest: { status: InterestStatus; respondBy: Date; remindedAt: Date | null },
  now: Date,
  hoursBefore: number = DEFAULT_REMINDER_HOURS,
): boolean {
  if (interest.status !== 'pending') return false;
  const deadline = interest.respondBy.getTime();
  const windowStart = deadline - hoursBefore * HOUR_MS;
  const t = now.getTime();
  if (t < windowStart || t >= deadline) return false;
  return interest.remindedAt === null || interest.remindedAt.getTime() < windowStart;
}

// ---------------------------------------------------------------------------------------------------------------
// Contract and registration

/** An amount in 万元 from a form post (string) or JSON (number): > 0, ≤ MAX_AMOUNT_WAN, at most 2 decimals. */
function amountWan(required: string) {
  return z.union([z.string(), z.number()], { error: required }).transform((raw, ctx) => {
    const v = String(raw).trim().replace(/[,，]/g, '');
    const message =
      v === ''
        ? required
        : !/^[-+]?\d+(\.\d{1,2})?$/.test(v)
          ? f.amountInvalid
          : Number(v) <= 0
            ? f.amountPositive
            : Number(v) > MAX_AMOUNT_WAN
              ? f.amountTooLarge
              : null;
    if (message) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return Number(v);
  });
}

function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** A 'YYYY-MM-DD' date not after `today` (and, with `notBefore`, not before that date). */
function pastDate(
  today: string,
  m: { required: string; future: string },
  notBefore?: { date: string; message: string },
) {
  return z
    .string({ error: m.required })
    .trim()
    .superRefine((v, ctx) => {
      const message =
        v === ''
          ? m.required
          : !isCalendarDate(v)
            ? f.dateInvalid
            : v > today
              ? m.future
              : notBefore && v < notBefore.date
                ? notBefore.message
                : null;
      if (message) ctx.addIssue({ code: 'custom', message });
    });
}

/** The contract signing form; `today` is 'YYYY-MM-DD' (Beijing). */
export function contractSchema(today: string) {
  return z.object({
    contract_type: z.enum(CONTRACT_TYPES, { error: f.contract.typeRequired }),
    amount_wan: amountWan(f.contract.amountRequired),
    signed_on: pastDate(today, { required: f.contract.signedOnRequired, future: f.contract.signedOnFuture }),
  });
}
export type ContractInput = z.infer<ReturnType<typeof contractSchema>>;

/**
 * 技术合同登记号. Assumption: the national format is 16 digits = 4-digit year (2000–2100) + 6-digit code of the
 * registering region (行政区划代码 of the registration office, e.g. 150123 和林格尔县) + 6-digit serial,
 * e.g. 2026150123000045. Spaces are not accepted; the region code is not checked against a list.
 */
export const REGISTRATION_NO = /^(?:20\d{2}|2100)\d{6}\d{6}$/;

/**
 * The registration form; `today` is 'YYYY-MM-DD' (Beijing). With `signedOn` (the contract's signing date) a
 * registration dated before the signing is refused. The certified amount (核定技术交易额) must be > 0; it
 * may differ from the contract amount.
 */
export function registrationSchema(today: string, signedOn?: string) {
  const r = f.registration;
  return z.object({
    registration_no: z
      .string({ error: r.numberRequired })
      .trim()
      .superRefine((v, ctx) => {
        const message = v === '' ? r.numberRequired : REGISTRATION_NO.test(v) ? null : r.numberInvalid;
        if (message) ctx.addIssue({ code: 'custom', message });
      }),
    certified_amount_wan: amountWan(r.certifiedAmountRequired),
    registered_on: pastDate(
      today,
      { required: r.registeredOnRequired, future: r.registeredOnFuture },
      signedOn ? { date: signedOn, message: r.registeredBeforeSigned } : undefined,
    ),
    office: text(2, 60, { required: r.officeRequired, tooShort: r.officeTooShort, tooLong: r.officeTooLong }),
  });
}
export type RegistrationInput = z.infer<ReturnType<typeof registrationSchema>>;
