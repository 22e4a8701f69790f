import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  apiListQuerySchema,
  canSeeDetail,
  indexQuerySchema,
  pageCount,
  searchParamsObject,
} from '../../app/features/listings/rules.ts';

describe('confidentiality tiers', () => {
  const member = { verifiedMember: true, staffOrManager: false };
  const staff = { verifiedMember: false, staffOrManager: true };
  it.each([
    ['public', ANONYMOUS, true],
    ['members', ANONYMOUS, false],
    ['members', member, true],
    ['members', staff, true],
    ['staff', member, false],
    ['staff', staff, true],
  ] as const)('%s detail for %o → %s', (tier, viewer, expected) => {
    expect(canSeeDetail(tier, viewer)).toBe(expected);
  });
});

describe('query parameters', () => {
  it('defaults page and per_page', () => {
    expect(apiListQuerySchema.parse({})).toEqual({ page: 1, per_page: 20 });
  });

  it('refuses bad values with Chinese messages on the right field', () => {
    const result = apiListQuerySchema.safeParse({ per_page: '500', kind: 'patent', page: '-1' });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path[0]).sort();
    expect(paths).toEqual(['kind', 'page', 'per_page']);
    expect(result.error!.issues.find((i) => i.path[0] === 'per_page')?.message).toBe(
      '每页条数须在 1 到 100 之间',
    );
  });

  it('refuses a malformed field code and fractional pages', () => {
    expect(indexQuerySchema.safeParse({ field: 'DROP TABLE' }).success).toBe(false);
    expect(indexQuerySchema.safeParse({ page: '1.5' }).success).toBe(false);
    expect(indexQuerySchema.parse({ field: 'dairy', page: '3' })).toEqual({ field: 'dairy', page: 3 });
  });

  it('drops empty parameters (an empty select submits field=)', () => {
    expect(searchParamsObject(new URLSearchParams('field=&page=2'))).toEqual({ page: '2' });
  });

  it('counts pages, at least one', () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(41, 20)).toBe(3);
  });
});
