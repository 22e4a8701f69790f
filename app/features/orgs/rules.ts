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
