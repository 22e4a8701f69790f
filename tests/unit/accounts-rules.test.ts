import { describe, expect, it } from 'vitest';
import { hasPermission, type Principal, permissionsOf } from '../../app/features/accounts/permissions.ts';
import {
  loginSchema,
  parseRegistration,
  passwordChangeSchema,
  passwordProblem,
  safeRedirect,
} from '../../app/features/accounts/rules.ts';
import { isCrossSiteRequest } from '../../app/server/csrf.ts';

describe('password policy', () => {
  it('refuses short, common, repeated and e-mail-derived passwords, with Chinese messages', () => {
    expect(passwordProblem('short1')).toBe('密码至少需要 10 个字符');
    expect(passwordProblem('password123')).toBe('该密码过于常见，容易被猜中，请换一个');
    expect(passwordProblem('Qwertyuiop')).toBe('该密码过于常见，容易被猜中，请换一个');
    expect(passwordProblem('aaaaaaaaaaaa')).toBe('该密码过于常见，容易被猜中，请换一个');
    expect(passwordProblem('zhangwei-2026!', { email: 'zhangwei@example.cn' })).toBe(
      '密码不能包含邮箱用户名',
    );
    expect(passwordProblem('x'.repeat(129))).toBe('密码不能超过 128 个字符');
  });

  it('accepts a long unusual password; counts Chinese characters as one each', () => {
    expect(passwordProblem('盛乐草原上的风很大2026')).toBeNull();
    expect(passwordProblem('和林格尔县科技局')).toBe('密码至少需要 10 个字符');
    expect(passwordProblem('tall-horse-silver-lake')).toBeNull();
  });
});

describe('registration form', () => {
  const person = {
    displayName: '李明',
    email: 'Li.Ming@Example.cn',
    password: 'tall-horse-silver-lake',
    passwordConfirm: 'tall-horse-silver-lake',
  };

  it('parses a new organisation, normalising e-mail and USCC', () => {
    const result = parseRegistration({
      ...person,
      mode: 'new',
      organisationName: '示例乳业科技有限公司',
      organisationType: 'enterprise',
      uscc: '91350100m000100y43',
      region: '和林格尔县',
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.data.email).toBe('li.ming@example.cn');
      expect(result.data.uscc).toBe('91350100M000100Y43');
    }
  });

  it('reports person and organisation errors together, field by field', () => {
    const result = parseRegistration({
      mode: 'new',
      displayName: '',
      email: 'not-an-email',
      password: '123456',
      passwordConfirm: '654321',
      organisationName: '',
      organisationType: 'public_body',
      uscc: '91350100M000100Y44',
      region: '和林格尔县',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(Object.keys(result.fieldErrors).sort()).toEqual(
        [
          'displayName',
          'email',
          'organisationName',
          'organisationType',
          'password',
          'passwordConfirm',
          'uscc',
        ].sort(),
      );
      expect(result.fieldErrors.uscc).toEqual(['统一社会信用代码无效，请核对18位代码（校验位不符）']);
    }
  });

  it('asks only for the USCC when joining', () => {
    expect(parseRegistration({ ...person, mode: 'join', uscc: '91350100M000100Y43' }).ok).toBe(true);
  });
});

describe('other forms', () => {
  it('login needs both fields', () => {
    const r = loginSchema.safeParse({ email: '', password: '' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0]).sort()).toEqual(['email', 'password']);
  });

  it('a new password must differ from the current one and be confirmed', () => {
    const r = passwordChangeSchema.safeParse({
      currentPassword: 'tall-horse-silver-lake',
      password: 'tall-horse-silver-lake',
      passwordConfirm: 'other',
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toEqual([
      '新密码不能与当前密码相同',
      '两次输入的密码不一致',
    ]);
  });

  it('follows only local redirects', () => {
    expect(safeRedirect('/orgs/3/settings')).toBe('/orgs/3/settings');
    expect(safeRedirect('//evil.example/x')).toBe('/account');
    expect(safeRedirect('https://evil.example')).toBe('/account');
    expect(safeRedirect('/\\evil.example')).toBe('/account');
    expect(safeRedirect(undefined)).toBe('/account');
  });
});

describe('permissions', () => {
  const base: Principal = { userId: 1, platformRoles: [], memberships: [] };
  it('gives a user without an organisation only the member area and the account', () => {
    expect([...permissionsOf(base)].sort()).toEqual(['read:member-area:own', 'update:account:own']);
    expect(permissionsOf(null).size).toBe(0);
  });

  it('lets only members of a verified organisation post and express interest', () => {
    const pending = {
      ...base,
      memberships: [{ organisationId: 5, role: 'owner' as const, verified: false }],
    };
    const verified = {
      ...base,
      memberships: [{ organisationId: 5, role: 'member' as const, verified: true }],
    };
    expect(hasPermission(pending, 'create:listing:own')).toBe(false);
    expect(hasPermission(pending, 'update:organisation-settings:own')).toBe(true);
    expect(hasPermission(verified, 'create:listing:own')).toBe(true);
    expect(hasPermission(verified, 'create:interest:own')).toBe(true);
    expect(hasPermission(verified, 'update:organisation-settings:own')).toBe(false);
  });

  it('separates bureau reviewers from admins and gives managers no bureau rights', () => {
    const reviewer = { ...base, platformRoles: ['bureau_reviewer' as const] };
    const admin = { ...base, platformRoles: ['bureau_admin' as const] };
    const manager = { ...base, platformRoles: ['manager' as const] };
    expect(hasPermission(reviewer, 'verify:organisation:any')).toBe(true);
    expect(hasPermission(reviewer, 'read:audit:any')).toBe(false);
    expect(hasPermission(reviewer, 'manage:user:any')).toBe(false);
    expect(hasPermission(admin, 'read:audit:any')).toBe(true);
    expect(hasPermission(admin, 'manage:user:any')).toBe(true);
    expect(hasPermission(manager, 'read:bureau-area:any')).toBe(false);
    // The supply–demand list is curated by bureau staff, reviewers and admins alike.
    expect(hasPermission(reviewer, 'curate:edition:any')).toBe(true);
    expect(hasPermission(admin, 'curate:edition:any')).toBe(true);
    expect(hasPermission(manager, 'curate:edition:any')).toBe(false);
  });

  it('shows recommendations on any listing to technology managers and bureau staff only', () => {
    for (const role of ['bureau_admin', 'bureau_reviewer', 'manager'] as const) {
      expect(hasPermission({ ...base, platformRoles: [role] }, 'read:recommendations:any')).toBe(true);
    }
    const owner = { ...base, memberships: [{ organisationId: 5, role: 'owner' as const, verified: true }] };
    expect(hasPermission(owner, 'read:recommendations:any')).toBe(false);
    expect(hasPermission(base, 'read:recommendations:any')).toBe(false);
    expect(hasPermission(null, 'read:recommendations:any')).toBe(false);
  });
});

describe('CSRF origin check', () => {
  const site = 'https://kjcg.example.cn';
  it.each([
    ['GET', undefined, undefined, false],
    ['POST', site, undefined, false],
    ['POST', 'https://evil.example', undefined, true],
    ['POST', 'null', undefined, true],
    ['POST', undefined, 'same-origin', false],
    ['POST', undefined, 'none', false],
    ['POST', undefined, 'cross-site', true],
    ['POST', undefined, 'same-site', true],
    ['DELETE', undefined, undefined, true],
  ] as const)(
    '%s with Origin %s, Sec-Fetch-Site %s → cross-site %s',
    (method, origin, secFetchSite, expected) => {
      expect(isCrossSiteRequest({ method, origin, secFetchSite, siteOrigin: site })).toBe(expected);
    },
  );
});
