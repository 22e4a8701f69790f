import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  CONTRACT_TYPES,
  contractSchema,
  DECLINE_REASONS,
  DEFAULT_RESPONSE_DAYS,
  declineSchema,
  interestSchema,
  isOverdue,
  REGISTRATION_NO,
  registrationSchema,
  reminderDue,
  responseDeadline,
} from '../../app/features/matching/interest-rules.ts';
import { matchingZh } from '../../app/i18n/zh-CN/matching.ts';

const f = matchingZh.form;
const TODAY = '2026-11-26';

/** The issues of a failed parse as [path, message] pairs. */
function issues(schema: z.ZodType, input: unknown): [string, string][] {
  const r = schema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => [i.path.join('.'), i.message]);
}

describe('interest message', () => {
  it('accepts 10 to 1000 characters after trimming', () => {
    expect(interestSchema.parse({ message: '  我们有成熟的益生菌发酵工艺可以合作。  ' })).toEqual({
      message: '我们有成熟的益生菌发酵工艺可以合作。',
    });
    expect(interestSchema.safeParse({ message: '一'.repeat(10) }).success).toBe(true);
    expect(interestSchema.safeParse({ message: '一'.repeat(1000) }).success).toBe(true);
  });

  it('refuses empty, short and long messages on the message field', () => {
    expect(issues(interestSchema, {})).toEqual([['message', f.interest.messageRequired]]);
    expect(issues(interestSchema, { message: '   ' })).toEqual([['message', f.interest.messageRequired]]);
    expect(issues(interestSchema, { message: `  ${'一'.repeat(9)}   ` })).toEqual([
      ['message', f.interest.messageTooShort],
    ]);
    expect(issues(interestSchema, { message: '一'.repeat(1001) })).toEqual([
      ['message', f.interest.messageTooLong],
    ]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(interestSchema.safeParse({ message: '😀'.repeat(1000) }).success).toBe(true);
    expect(issues(interestSchema, { message: '😀'.repeat(9) })).toEqual([
      ['message', f.interest.messageTooShort],
    ]);
  });
});

describe('decline form', () => {
  it('has a Chinese label for every reason code', () => {
    expect(DECLINE_REASONS.map((r) => matchingZh.declineReason[r])).toEqual([
      '不符合需求',
      '技术不成熟',
      '价格不合适',
      '已有合作方',
      '信息不足',
      '其他',
    ]);
  });

  it('accepts a code alone, or with a short optional text', () => {
    expect(declineSchema.parse({ reason_code: 'price' })).toEqual({
      reason_code: 'price',
      reason_text: null,
    });
    expect(declineSchema.parse({ reason_code: 'price', reason_text: '  ' })).toEqual({
      reason_code: 'price',
      reason_text: null,
    });
    expect(declineSchema.parse({ reason_code: 'immature', reason_text: '需中试' })).toEqual({
      reason_code: 'immature',
      reason_text: '需中试',
    });
    expect(declineSchema.parse({ reason_code: 'other', reason_text: ' 企业战略调整 ' })).toEqual({
      reason_code: 'other',
      reason_text: '企业战略调整',
    });
  });

  it('requires a code', () => {
    expect(issues(declineSchema, {})).toEqual([['reason_code', f.decline.reasonRequired]]);
    expect(issues(declineSchema, { reason_code: 'bored' })).toEqual([
      ['reason_code', f.decline.reasonRequired],
    ]);
  });

  it('requires 5–500 characters of text for "other"', () => {
    expect(issues(declineSchema, { reason_code: 'other' })).toEqual([
      ['reason_text', f.decline.textRequired],
    ]);
    expect(issues(declineSchema, { reason_code: 'other', reason_text: '  ' })).toEqual([
      ['reason_text', f.decline.textRequired],
    ]);
    expect(issues(declineSchema, { reason_code: 'other', reason_text: '不合适' })).toEqual([
      ['reason_text', f.decline.textTooShort],
    ]);
    expect(issues(declineSchema, { reason_code: 'other', reason_text: '字'.repeat(501) })).toEqual([
      ['reason_text', f.decline.textTooLong],
    ]);
  });

  it('limits the optional text to 500 characters for every code', () => {
    expect(issues(declineSchema, { reason_code: 'not_fit', reason_text: '字'.repeat(501) })).toEqual([
      ['reason_text', f.decline.textTooLong],
    ]);
    expect(declineSchema.safeParse({ reason_code: 'not_fit', reason_text: '字'.repeat(500) }).success).toBe(
      true,
    );
  });
});

describe('response deadline and reminders', () => {
  const created = new Date('2026-11-26T08:00:00Z');
  const respondBy = responseDeadline(created);
  const at = (iso: string) => new Date(iso);

  it('is 7 × 24 hours by default, or the given days', () => {
    expect(DEFAULT_RESPONSE_DAYS).toBe(7);
    expect(respondBy.toISOString()).toBe('2026-12-03T08:00:00.000Z');
    expect(responseDeadline(created, 14).toISOString()).toBe('2026-12-10T08:00:00.000Z');
    expect(() => responseDeadline(created, 0)).toThrow(RangeError);
  });

  it('a pending interest is overdue strictly after its deadline; a replied one never', () => {
    expect(isOverdue({ status: 'pending', respondBy }, at('2026-12-03T08:00:00Z'))).toBe(false);
    expect(isOverdue({ status: 'pending', respondBy }, at('2026-12-03T08:00:01Z'))).toBe(true);
    for (const status of ['accepted', 'declined', 'withdrawn'] as const) {
      expect(isOverdue({ status, respondBy }, at('2027-01-01T00:00:00Z'))).toBe(false);
    }
  });

  it('reminds a pending interest once, within 48 hours of the deadline', () => {
    const pending = { status: 'pending' as const, respondBy, remindedAt: null };
    expect(reminderDue(pending, at('2026-12-01T07:59:59Z'))).toBe(false);
    expect(reminderDue(pending, at('2026-12-01T08:00:00Z'))).toBe(true);
    expect(reminderDue(pending, at('2026-12-03T07:59:59Z'))).toBe(true);
    expect(reminderDue(pending, at('2026-12-03T08:00:00Z'))).toBe(false);
    expect(
      reminderDue({ ...pending, remindedAt: at('2026-12-01T09:00:00Z') }, at('2026-12-02T00:00:00Z')),
    ).toBe(false);
    expect(reminderDue({ ...pending, status: 'accepted' }, at('2026-12-02T00:00:00Z'))).toBe(false);
  });

  it('takes another window size and forgets a reminder sent for an earlier deadline', () => {
    const pending = { status: 'pending' as const, respondBy, remindedAt: null };
    expect(reminderDue(pending, at('2026-12-02T07:00:00Z'), 24)).toBe(false);
    expect(reminderDue(pending, at('2026-12-02T09:00:00Z'), 24)).toBe(true);
    const extended = { ...pending, remindedAt: at('2026-11-28T00:00:00Z') };
    expect(reminderDue(extended, at('2026-12-02T00:00:00Z'))).toBe(true);
  });
});

describe('contract form', () => {
  const schema = contractSchema(TODAY);
  const ok = { contract_type: 'license', amount_wan: '120.5', signed_on: '2026-11-20' };

  it('parses a valid contract from a form post', () => {
    expect(schema.parse(ok)).toEqual({
      contract_type: 'license',
      amount_wan: 120.5,
      signed_on: '2026-11-20',
    });
    expect(schema.parse({ ...ok, amount_wan: '1,000,000', signed_on: TODAY }).amount_wan).toBe(1_000_000);
    expect(schema.parse({ ...ok, amount_wan: 0.01 }).amount_wan).toBe(0.01);
    expect(schema.parse({ ...ok, amount_wan: ' 88.00 ' }).amount_wan).toBe(88);
  });

  it('has a Chinese label for every contract type', () => {
    expect(CONTRACT_TYPES.map((t) => matchingZh.contractType[t])).toEqual([
      '技术开发',
      '技术转让',
      '技术许可',
      '技术咨询',
      '技术服务',
    ]);
  });

  it('refuses a missing or unknown type', () => {
    expect(issues(schema, { ...ok, contract_type: undefined })).toEqual([
      ['contract_type', f.contract.typeRequired],
    ]);
    expect(issues(schema, { ...ok, contract_type: 'sale' })).toEqual([
      ['contract_type', f.contract.typeRequired],
    ]);
  });

  it.each([
    ['', f.contract.amountRequired],
    [undefined, f.contract.amountRequired],
    ['0', f.amountPositive],
    ['0.00', f.amountPositive],
    ['-1', f.amountPositive],
    ['abc', f.amountInvalid],
    ['1e3', f.amountInvalid],
    ['12.345', f.amountInvalid],
    [0, f.amountPositive],
    [-5, f.amountPositive],
    ['1000000.01', f.amountTooLarge],
    [2_000_000, f.amountTooLarge],
  ])('refuses the amount %j on amount_wan', (amount, message) => {
    expect(issues(schema, { ...ok, amount_wan: amount })).toEqual([['amount_wan', message]]);
  });

  it.each([
    ['', f.contract.signedOnRequired],
    ['2026/11/20', f.dateInvalid],
    ['2026-02-30', f.dateInvalid],
    ['2026-11-27', f.contract.signedOnFuture],
  ])('refuses the signing date %j on signed_on', (date, message) => {
    expect(issues(schema, { ...ok, signed_on: date })).toEqual([['signed_on', message]]);
  });

  it('reports every bad field at once', () => {
    expect(issues(schema, {}).map(([path]) => path)).toEqual(['contract_type', 'amount_wan', 'signed_on']);
  });
});

describe('registration form', () => {
  const ok = {
    registration_no: '2026150123000045',
    certified_amount_wan: '100',
    registered_on: '2026-11-25',
    office: '呼和浩特市技术合同登记处',
  };

  it('parses a valid registration', () => {
    expect(registrationSchema(TODAY).parse({ ...ok, registration_no: ' 2026150123000045 ' })).toEqual({
      registration_no: '2026150123000045',
      certified_amount_wan: 100,
      registered_on: '2026-11-25',
      office: '呼和浩特市技术合同登记处',
    });
  });

  it('takes the registration number as 16 digits: year 2000–2100, region code, serial', () => {
    for (const no of ['2026150123000045', '2000110000000001', '2100999999999999']) {
      expect(REGISTRATION_NO.test(no), no).toBe(true);
    }
    for (const no of [
      '1999150123000045',
      '2101150123000045',
      '202615012300004',
      '20261501230000451',
      '2026-150123-000045',
      'X026150123000045',
    ]) {
      expect(REGISTRATION_NO.test(no), no).toBe(false);
    }
  });

  it.each([
    ['registration_no', '', f.registration.numberRequired],
    ['registration_no', '2026-150123-000045', f.registration.numberInvalid],
    ['registration_no', '1999150123000045', f.registration.numberInvalid],
    ['certified_amount_wan', '', f.registration.certifiedAmountRequired],
    ['certified_amount_wan', '0', f.amountPositive],
    ['certified_amount_wan', '-3', f.amountPositive],
    ['registered_on', '', f.registration.registeredOnRequired],
    ['registered_on', '2026-13-01', f.dateInvalid],
    ['registered_on', '2026-11-27', f.registration.registeredOnFuture],
    ['office', '', f.registration.officeRequired],
    ['office', '局', f.registration.officeTooShort],
    ['office', '局'.repeat(61), f.registration.officeTooLong],
  ])('refuses %s = %j', (field, value, message) => {
    expect(issues(registrationSchema(TODAY), { ...ok, [field]: value })).toEqual([[field, message]]);
  });

  it('does not tie the certified amount to the contract amount', () => {
    expect(
      registrationSchema(TODAY).parse({ ...ok, certified_amount_wan: '999999' }).certified_amount_wan,
    ).toBe(999_999);
  });

  it('refuses a registration dated before the signing when the signing date is given', () => {
    const schema = registrationSchema(TODAY, '2026-11-25');
    expect(schema.safeParse(ok).success).toBe(true);
    expect(issues(schema, { ...ok, registered_on: '2026-11-24' })).toEqual([
      ['registered_on', f.registration.registeredBeforeSigned],
    ]);
  });
});
