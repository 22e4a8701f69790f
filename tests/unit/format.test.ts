import { describe, expect, it } from 'vitest';
import { formatBudget, formatDate, formatDateIso, formatPrice } from '../../app/ui/format.ts';

describe('formatting', () => {
  it('writes dates as 2026年11月26日 in text and 2026-11-26 in tables, in Beijing time', () => {
    expect(formatDate('2026-11-26')).toBe('2026年11月26日');
    expect(formatDateIso('2026-11-26')).toBe('2026-11-26');
    // 20:00 UTC on the 25th is already the 26th in Beijing.
    expect(formatDateIso(new Date('2026-11-25T20:00:00Z'))).toBe('2026-11-26');
  });

  it('writes money in 万元', () => {
    expect(formatBudget(50, 120)).toBe('50–120 万元');
    expect(formatBudget(null, 80)).toBe('不超过 80 万元');
    expect(formatBudget(30, null)).toBe('30 万元起');
    expect(formatBudget(60, 60)).toBe('60 万元');
    expect(formatBudget(null, null)).toBeNull();
    expect(formatPrice(1250.5, false)).toBe('1,250.5 万元');
    expect(formatPrice(null, true)).toBe('面议');
  });
});
