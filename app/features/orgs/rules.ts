import { z } from 'zod';
import { MEMBERSHIP_ROLES } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';

/**
 * 统一社会信用代码 (USCC), GB 32100-2015: 18 characters over the 31-character alphabet without
 * I O S V Z; the last is a check character: 31 − (Σ value × weight mod 31), 31 → '0'.
 */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or null if they hold a character outside the alphabet. */
export function usccCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]!);
    if (value < 0) return null;
    sum += value * USCC_WEIGHTS[i]!;
  }
  const check = 31 - (sum % 31);
  return USCC_ALPHABET[check === 31 ? 0 : check]!;
}

/** Upper-cases and strips spaces, as people paste codes from licences. */
export function normaliseUscc(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

export function isValidUscc(input: string): boolean {
  const code = normaliseUscc(input);
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return usccCheckCharacter(code.slice(0, 17)) === code[17];
}

/** Regions offered in forms: the county first, then the city, the region, elsewhere. */
export const REGIONS = [
  '和林格尔县',
  '呼和浩特市',
  '包头市',
  '鄂尔多斯市',
  '内蒙古其他盟市',
  '北京市',
  '天津市',
  '河北省',
  '山西省',
  '陕西省',
  '上海市',
  '江苏省',
  '浙江省',
  '广东省',
  '其他省份',
] as const;

const id = z.coerce.number().int().min(1).max(2_147_483_647);

/** The owner's actions on the settings page, told apart by `intent`. */
export const settingsChangeSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('approve'), userId: id }),
  z.object({ intent: z.literal('decline'), userId: id }),
  z.object({ intent: z.literal('remove'), userId: id }),
  z.object({ intent: z.literal('role'), userId: id, role: z.enum(MEMBERSHIP_ROLES) }),
  z.object({
    intent: z.literal('invite'),
    email: z
      .string()
      .trim()
      .pipe(z.email({ error: zhCN.accounts.errors.emailInvalid }))
      .transform((v) => v.toLowerCase()),
    role: z.enum(MEMBERSHIP_ROLES),
  }),
  z.object({ intent: z.literal('revoke-invitation'), invitationId: id }),
]);
