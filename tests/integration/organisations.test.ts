import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../app/features/accounts/accounts.server.ts';
import { administerUser, decideVerification, readAudit } from '../../app/features/bureau/bureau.server.ts';
import {
  acceptInvitation,
  changeSettings,
  findInvitation,
  settingsFor,
} from '../../app/features/orgs/orgs.server.ts';
import { getPrincipal, type SignedIn } from '../../app/server/auth.server.ts';
import type { AppContext } from '../../app/server/context.ts';
import type { DbHandle } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../../db/seed/data/people.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';
import { signInAs } from '../support/people.ts';

let handle: DbHandle;
let ctx: AppContext;
beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  ctx = testContext(handle);
});
afterAll(() => handle.close());

async function signIn(email: string): Promise<SignedIn> {
  return signInAs(ctx, email, '203.0.113.5');
}

async function orgIdOf(email: string): Promise<number> {
  const row = await handle.db
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select('m.organisation_id')
    .where('u.email', '=', email)
    .executeTakeFirstOrThrow();
  return row.organisation_id;
}

describe('organisation settings: object-level checks', () => {
  it('shows the settings to members of the organisation only', async () => {
    const owner = await signIn('owner-chilechuan-dairy@helin-demo.cn');
    const other = await signIn('owner-muge-dairy@helin-demo.cn');
    const orgA = await orgIdOf('owner-chilechuan-dairy@helin-demo.cn');
    expect((await settingsFor(handle.db, orgA, owner))?.org.id).toBe(orgA);
    expect(await settingsFor(handle.db, orgA, other)).toBeUndefined();
  });

  it('lets only an owner change members, and never removes the last owner', async () => {
    const orgA = await orgIdOf('owner-chilechuan-dairy@helin-demo.cn');
    const owner = await signIn('owner-chilechuan-dairy@helin-demo.cn');
    const member = await signIn('member-chilechuan-dairy@helin-demo.cn');
    const outsider = await signIn('owner-muge-dairy@helin-demo.cn');
    expect(
      await changeSettings(handle.db, orgA, member, { intent: 'remove', userId: owner.userId }, 'x'),
    ).toEqual({
      ok: false,
      status: 403,
      reason: 'not_owner',
    });
    expect(
      await changeSettings(handle.db, orgA, outsider, { intent: 'remove', userId: member.userId }, 'x'),
    ).toMatchObject({
      ok: false,
      reason: 'not_owner',
    });
    expect(
      await changeSettings(handle.db, orgA, owner, { intent: 'remove', userId: owner.userId }, 'x'),
    ).toMatchObject({
      ok: false,
      status: 409,
      reason: 'last_owner',
    });
    expect(
      await changeSettings(
        handle.db,
        orgA,
        owner,
        { intent: 'role', userId: member.userId, role: 'owner' },
        'x',
      ),
    ).toEqual({
      ok: true,
    });
    // An owner of another organisation cannot touch a member of this one, even by id.
    const orgB = await orgIdOf('owner-muge-dairy@helin-demo.cn');
    expect(
      await changeSettings(handle.db, orgB, outsider, { intent: 'remove', userId: member.userId }, 'x'),
    ).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it('approves a join request and invites by e-mail; the invitation works once, for that address only', async () => {
    const orgId = await orgIdOf('owner-jingrui-silicon@helin-demo.cn');
    const owner = await signIn('owner-jingrui-silicon@helin-demo.cn');
    const requester = await handle.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', 'member-jingrui-silicon@helin-demo.cn')
      .executeTakeFirstOrThrow();
    expect(
      await changeSettings(handle.db, orgId, owner, { intent: 'approve', userId: requester.id }, 'x'),
    ).toEqual({ ok: true });

    const invited = await changeSettings(
      handle.db,
      orgId,
      owner,
      { intent: 'invite', email: 'manager2@helin-demo.cn', role: 'member' },
      'x',
    );
    if (!invited.ok || !invited.invitationToken) throw new Error('no invitation');
    const stranger = await signIn('manager1@helin-demo.cn');
    expect(await acceptInvitation(handle.db, invited.invitationToken, stranger, 'x')).toEqual({
      ok: false,
      reason: 'wrong_email',
    });
    const invitee = await signIn('manager2@helin-demo.cn');
    expect(await acceptInvitation(handle.db, invited.invitationToken, invitee, 'x')).toEqual({
      ok: true,
      organisationId: orgId,
    });
    expect(await findInvitation(handle.db, invited.invitationToken)).toBeUndefined();
    expect((await settingsFor(handle.db, orgId, invitee))?.org.id).toBe(orgId);
  });
});

describe('bureau verification and user administration', () => {
  it('verifies or rejects with a reason; the applicant sees the reason; every decision is audited', async () => {
    const admin = await signIn('admin@helin-demo.cn');
    const pendingOwner = await signIn('owner-xinmu-feed@helin-demo.cn');
    const orgId = await orgIdOf('owner-xinmu-feed@helin-demo.cn');
    expect(pendingOwner.memberships).toEqual([{ organisationId: orgId, role: 'owner', verified: false }]);

    await decideVerification(
      handle.db,
      { organisationId: orgId, decision: 'rejected', reason: '营业执照信息与填报不符' },
      admin,
      '10.0.0.1',
    );
    const rejected = await settingsFor(handle.db, orgId, pendingOwner);
    expect(rejected?.org).toMatchObject({
      verification: 'rejected',
      verification_note: '营业执照信息与填报不符',
    });

    await decideVerification(
      handle.db,
      { organisationId: orgId, decision: 'verified', reason: null },
      admin,
      '10.0.0.1',
    );
    const again = await signIn('owner-xinmu-feed@helin-demo.cn');
    expect(again.memberships).toEqual([{ organisationId: orgId, role: 'owner', verified: true }]);

    const audit = await readAudit(handle.db, { action: 'organisation.', page: 1 });
    expect(audit.rows.slice(0, 2).map((r) => [r.action, r.actor_email, r.ip])).toEqual([
      ['organisation.verify', 'admin@helin-demo.cn', '10.0.0.1'],
      ['organisation.reject', 'admin@helin-demo.cn', '10.0.0.1'],
    ]);
  });

  it('ends all sessions of a user and disables an account', async () => {
    const admin = await signIn('admin@helin-demo.cn');
    const r = await login(
      handle.db,
      ctx.config,
      { email: 'manager3@helin-demo.cn', password: DEMO_PASSWORD },
      { ip: '1.1.1.1', userAgent: null },
    );
    if (!r.ok) throw new Error('login failed');
    const request = new Request('http://localhost/', { headers: { Cookie: r.value.cookie.split(';')[0]! } });
    const target = (await getPrincipal(request, ctx))!;
    await administerUser(handle.db, { userId: target.userId, action: 'end-sessions' }, admin, '10.0.0.1');
    expect(await getPrincipal(request, ctx)).toBeNull();
    await administerUser(handle.db, { userId: target.userId, action: 'disable' }, admin, '10.0.0.1');
    const again = await login(
      handle.db,
      ctx.config,
      { email: 'manager3@helin-demo.cn', password: DEMO_PASSWORD },
      { ip: '1.1.1.1', userAgent: null },
    );
    expect(again).toMatchObject({ ok: false, status: 403 });
  });
});
