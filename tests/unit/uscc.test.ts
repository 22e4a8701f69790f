import { describe, expect, it } from 'vitest';
import { isValidUscc, normaliseUscc, usccCheckCharacter } from '../../app/features/orgs/rules.ts';

describe('USCC (GB 32100-2015)', () => {
  it('accepts codes with a correct check character', () => {
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91110000802100433B')).toBe(true);
  });

  it('computes the check character, mapping 31 to 0', () => {
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    // Search a prefix whose weighted sum is a multiple of 31: its check character must be '0'.
    let found = false;
    for (let n = 0; n < 2000 && !found; n++) {
      const prefix = `9115012300000${String(n).padStart(4, '0')}`;
      let sum = 0;
      const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
      const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
      for (let i = 0; i < 17; i++) sum += alphabet.indexOf(prefix[i]!) * weights[i]!;
      if (sum % 31 === 0) {
        expect(usccCheckCharacter(prefix)).toBe('0');
        found = true;
      }
    }
    expect(found).toBe(true);
  });

  it('rejects a wrong check character, wrong length and letters outside the alphabet', () => {
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('91350100M000100Y4')).toBe(false);
    expect(isValidUscc('91350100M000100Y433')).toBe(false);
    expect(isValidUscc('91350100M0001O0Y43')).toBe(false); // letter O
    expect(usccCheckCharacter('91350100M0001I0Y4')).toBeNull(); // letter I
  });

  it('normalises spaces, dashes and lower case', () => {
    expect(normaliseUscc(' 91350100m000-100y43 ')).toBe('91350100M000100Y43');
    expect(isValidUscc('91350100m000100y43')).toBe(true);
  });
});
