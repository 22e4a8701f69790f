import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remindExpiring } from '../../app/features/listings/manage.server.ts';
import { NOTIFICATION_KINDS } from '../../app/features/notifications/kinds.ts';
import {
  inbox,
  markRead,
  notify,
  notifyOrganisation,
  notifyStaff,
  preferences,
  savePreferences,
  unreadCount,
} from '../../app/features/notifications/notify.server.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import { loader as rootLoader } from '../../app/root.tsx';
import { action as noticesAction, loader as noticesLoader } from '../../app/routes/account.notices.tsx';
import { action as prefsAction, loader as prefsLoader } from '../../app/routes/account.notifications.tsx';
import type { AppContext } from '../../app/server/context.ts';
import { createSession } from '../../app/server/session.server.ts';
import type { DbHandle } from '../../db/client.ts';
import { DEMO_DOMAIN } from '../../db/seed/data/people.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';

const n = zhCN.notifications;
const ORIGIN = 'https://kjcg.example.cn';

let handle: DbHandle;
let ctx: AppContext;

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  ctx = testContext(handle);
});

afterAll(async () => {
  await handle.close();
});

/* ---------- helpers ---------- */

let userCounter = 0;
/** A fresh user of its own, so that each test counts only what it wrote. */
async function newUser(status: 'active' | 'disabled' = 'active'): Promise<{ id: number; email: string }> {
  userCounter += 1;
  const email = `notify-${userCounter}@example.cn`;
  return handle.db
    .insertInto('app_user')
    .values({ email, display_name: `测试用户${userCounter}`, status })
    .returning(['id', 'email'])
    .executeTakeFirstOrThrow();
}

interface MailRow {
  aggregate_type: string;
  aggregate_id: string;
  payload: { to: string; subject: string; text: string };
}

async function mailsTo(email: string): Promise<MailRow[]> {
  const rows = await handle.db
    .selectFrom('outbox')
    .select(['aggregate_type', 'aggregate_id', 'payload'])
    .where('topic', '=', 'mail')
    .where(({ ref }) => ref('payload', '->>').key('to'), '=', email)
    .orderBy('id')
    .execute();
  return rows as unknown as MailRow[];
}

async function noticesOf(userId: number) {
  return handle.db
    .selectFrom('notice')
    .select(['id', 'kind', 'title', 'body', 'link', 'read_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
}

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: route results of several shapes, inspected per test
  body: any;
}

/** A loader's or action's result: plain data, data() with init, or a thrown Response. */
async function settle(result: Promise<unknown>): Promise<Answer> {
  try {
    const value = await result;
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'DataWithResponseInit') {
      const wrapped = value as { data: unknown; init: ResponseInit | null };
      return { status: wrapped.init?.status ?? 200, body: wrapped.data };
    }
    return { status: 200, body: value };
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    return { status: thrown.status, body: await thrown.text() };
  }
}

async function cookieFor(userId: number): Promise<string> {
  const session = await createSession(ctx.db, ctx.config, { userId, ip: null, userAgent: null });
  return session.cookie.split(';')[0]!;
}

function get(path: string, cookie?: string): Request {
  return new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

function post(path: string, form: URLSearchParams | Record<string, string>, cookie?: string): Request {
  return new Request(`http://localhost${path}`, {
    method: 'POST',
    body: form instanceof URLSearchParams ? form : new URLSearchParams(form),
    headers: cookie ? { Cookie: cookie } : {},
  });
}

const args = (request: Request) => ({ request, params: {}, context: ctx });

/* ---------- notify ---------- */

describe('notify', () => {
  it('writes one notice per user and queues their mails with absolute links', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const result = await notify(handle.db, {
      userIds: [a.id, b.id, a.id],
      kind: 'interest.received',
      title: '收到对接意向：益生菌发酵工艺',
      body: '某企业对您的成果表达了对接意向。',
      link: '/listings/1',
      origin: `${ORIGIN}/`,
      mail: { subject: '收到对接意向', text: '某企业对您的成果表达了对接意向。' },
    });
    expect(result).toEqual({ noticed: [a.id, b.id], mailed: [a.id, b.id] });
    const notices = await noticesOf(a.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      kind: 'interest.received',
      title: '收到对接意向：益生菌发酵工艺',
      body: '某企业对您的成果表达了对接意向。',
      link: '/listings/1',
      read_at: null,
    });
    const mails = await mailsTo(a.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.aggregate_type).toBe('notice');
    expect(mails[0]!.aggregate_id).toBe(String(notices[0]!.id));
    expect(mails[0]!.payload.subject).toBe('收到对接意向');
    expect(mails[0]!.payload.text).toContain('某企业对您的成果表达了对接意向。');
    expect(mails[0]!.payload.text).toContain(`${ORIGIN}/listings/1`);
    expect(mails[0]!.payload.text).toContain(`${ORIGIN}/account/notifications`);
    expect(mails[0]!.payload.text).toContain(n.kinds['interest.received'].label);
    expect(await mailsTo(b.email)).toHaveLength(1);
  });

  it('writes no mail without `mail`, and no link in a mail without an origin', async () => {
    const a = await newUser();
    await notify(handle.db, { userIds: [a.id], kind: 'match.state', title: '对接进入洽谈' });
    expect(await noticesOf(a.id)).toHaveLength(1);
    expect(await mailsTo(a.email)).toHaveLength(0);
    await notify(handle.db, {
      userIds: [a.id],
      kind: 'match.state',
      title: '合同已签订',
      link: '/matches/1',
      aggregate: { type: 'match', id: 1 },
      mail: { subject: '对接进展', text: '合同已签订。' },
    });
    const [mail] = await mailsTo(a.email);
    expect(mail!.aggregate_type).toBe('match');
    expect(mail!.aggregate_id).toBe('1');
    expect(mail!.payload.text).not.toContain('/matches/1');
    expect(mail!.payload.text).toContain(n.mail.switchOffNoLink);
  });

  it('sends no mail of a kind a user switched off, but the notice, and still mails of other kinds', async () => {
    const [off, on] = [await newUser(), await newUser()];
    await savePreferences(handle.db, off.id, { 'interest.declined': false });
    const declined = {
      kind: 'interest.declined' as const,
      title: '您的意向已被婉拒',
      body: '原因：价格不合适',
      mail: { subject: '意向已被婉拒', text: '原因：价格不合适' },
    };
    const result = await notify(handle.db, { ...declined, userIds: [off.id, on.id] });
    expect(result).toEqual({ noticed: [off.id, on.id], mailed: [on.id] });
    expect((await noticesOf(off.id)).map((x) => x.kind)).toEqual(['interest.declined']);
    expect(await mailsTo(off.email)).toHaveLength(0);
    expect(await mailsTo(on.email)).toHaveLength(1);

    await notify(handle.db, {
      userIds: [off.id],
      kind: 'interest.accepted',
      title: '您的意向已被接受',
      mail: { subject: '意向已被接受', text: '对方接受了您的意向。' },
    });
    expect((await mailsTo(off.email)).map((m) => m.payload.subject)).toEqual(['意向已被接受']);
  });

  it('gives disabled users nothing', async () => {
    const [active, disabled] = [await newUser(), await newUser('disabled')];
    const result = await notify(handle.db, {
      userIds: [active.id, disabled.id],
      kind: 'interest.due',
      title: '意向答复期限将至',
      mail: { subject: '意向答复期限将至', text: '请在期限内答复。' },
    });
    expect(result).toEqual({ noticed: [active.id], mailed: [active.id] });
    expect(await noticesOf(disabled.id)).toHaveLength(0);
    expect(await mailsTo(disabled.email)).toHaveLength(0);
  });

  it('writes nothing when the caller’s transaction rolls back', async () => {
    const a = await newUser();
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await notify(trx, {
          userIds: [a.id],
          kind: 'match.assigned',
          title: '您被指派了一项对接',
          mail: { subject: '对接分派', text: '请查看。' },
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await noticesOf(a.id)).toHaveLength(0);
    expect(await mailsTo(a.email)).toHaveLength(0);
  });

  it('refuses a link that is not a local path', async () => {
    const a = await newUser();
    await expect(
      notify(handle.db, { userIds: [a.id], kind: 'match.state', title: 'x', link: 'https://evil.example/' }),
    ).rejects.toThrow();
    await expect(
      notify(handle.db, { userIds: [a.id], kind: 'match.state', title: 'x', link: '//evil.example/' }),
    ).rejects.toThrow();
    expect(await noticesOf(a.id)).toHaveLength(0);
  });

  it('reaches every active member of an organisation, and the bureau staff', async () => {
    const org = await handle.db
      .selectFrom('organisation as o')
      .innerJoin('membership as m', 'm.organisation_id', 'o.id')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select('o.id')
      .where('u.email', '=', `owner-chilechuan-dairy@${DEMO_DOMAIN}`)
      .executeTakeFirstOrThrow();
    const members = await handle.db
      .selectFrom('membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.email'])
      .where('m.organisation_id', '=', org.id)
      .where('m.status', '=', 'active')
      .where('u.status', '=', 'active')
      .orderBy('u.id')
      .execute();
    expect(members.length).toBeGreaterThanOrEqual(2);
    const result = await notifyOrganisation(handle.db, org.id, {
      kind: 'interest.received',
      title: '收到对接意向',
      mail: { subject: '收到对接意向', text: '请在7天内答复。' },
    });
    expect(result.noticed).toEqual(members.map((m) => m.id));
    expect(result.mailed).toEqual(members.map((m) => m.id));
    expect(await mailsTo(`member-chilechuan-dairy@${DEMO_DOMAIN}`)).toHaveLength(1);

    const staff = await notifyStaff(handle.db, { kind: 'interest.overdue', title: '有意向逾期未答复' });
    const reviewer = await handle.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', `reviewer@${DEMO_DOMAIN}`)
      .executeTakeFirstOrThrow();
    expect(staff.noticed).toContain(reviewer.id);
    expect(staff.mailed).toEqual([]);
  });
});

describe('the renewal reminder', () => {
  it('goes through the service: notices for every member, mail only where wanted, linked with an origin', async () => {
    const owner = `owner-chilechuan-dairy@${DEMO_DOMAIN}`;
    const member = `member-chilechuan-dairy@${DEMO_DOMAIN}`;
    const listing = await handle.db
      .selectFrom('listing as l')
      .innerJoin('membership as m', 'm.organisation_id', 'l.organisation_id')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['l.id', 'l.expires_at'])
      .where('u.email', '=', owner)
      .where('l.status', '=', 'published')
      .where('l.reminder_sent_at', 'is', null)
      .orderBy('l.expires_at')
      .executeTakeFirstOrThrow();
    const memberRow = await handle.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', member)
      .executeTakeFirstOrThrow();
    await savePreferences(handle.db, memberRow.id, { 'listing.expiring': false });

    const now = new Date(new Date(listing.expires_at!).getTime() - 13 * 86_400_000);
    expect(await remindExpiring(handle.db, now, ORIGIN)).toBeGreaterThanOrEqual(1);

    const reminder = (email: string) =>
      mailsTo(email).then((rows) =>
        rows.filter((r) => r.aggregate_type === 'listing' && r.aggregate_id === String(listing.id)),
      );
    const [ownerMail] = await reminder(owner);
    expect(ownerMail!.payload.subject).toBe(zhCN.lifecycle.mailSubjectReminder);
    expect(ownerMail!.payload.text).toContain(`${ORIGIN}/my/listings/${listing.id}`);
    expect(await reminder(member)).toHaveLength(0);
    const memberNotices = await handle.db
      .selectFrom('notice')
      .select('link')
      .where('user_id', '=', memberRow.id)
      .where('kind', '=', 'listing.expiring')
      .execute();
    expect(memberNotices.map((x) => x.link)).toContain(`/my/listings/${listing.id}`);
  });
});

/* ---------- inbox and preferences ---------- */

describe('the inbox', () => {
  it('counts unread notices, lists unread first, and marks only the user’s own notices read', async () => {
    const [me, other] = [await newUser(), await newUser()];
    for (const title of ['第一条', '第二条', '第三条'])
      await notify(handle.db, { userIds: [me.id], kind: 'match.state', title });
    await notify(handle.db, { userIds: [other.id], kind: 'match.state', title: '别人的消息' });
    expect(await unreadCount(handle.db, me.id)).toBe(3);

    const mine = await noticesOf(me.id);
    const theirs = await noticesOf(other.id);
    expect(await markRead(handle.db, me.id, [mine[2]!.id, theirs[0]!.id, 'not-a-number'])).toBe(1);
    expect(await unreadCount(handle.db, me.id)).toBe(2);
    expect(await unreadCount(handle.db, other.id)).toBe(1);

    const page = await inbox(handle.db, me.id, { page: 1 });
    expect(page).toMatchObject({ page: 1, pages: 1, total: 3, unread: 2 });
    expect(page.items.map((i) => [i.title, i.read])).toEqual([
      ['第二条', false],
      ['第一条', false],
      ['第三条', true],
    ]);
    expect(page.items[0]!.kindLabel).toBe(n.kinds['match.state'].label);

    expect(await markRead(handle.db, me.id, 'all')).toBe(2);
    expect(await unreadCount(handle.db, me.id)).toBe(0);
    expect(await unreadCount(handle.db, other.id)).toBe(1);
  });

  it('pages by 20', async () => {
    const me = await newUser();
    for (let i = 0; i < 21; i++)
      await notify(handle.db, { userIds: [me.id], kind: 'match.state', title: `#${i}` });
    const first = await inbox(handle.db, me.id, { page: 1 });
    const second = await inbox(handle.db, me.id, { page: 2 });
    expect([first.items.length, second.items.length, first.pages]).toEqual([20, 1, 2]);
  });

  it('stores the mail preferences (default on) and reads them back', async () => {
    const me = await newUser();
    const defaults = await preferences(handle.db, me.id);
    expect(Object.keys(defaults).sort()).toEqual([...NOTIFICATION_KINDS].sort());
    expect(Object.values(defaults).every(Boolean)).toBe(true);

    await savePreferences(handle.db, me.id, { 'match.state': false, 'interest.due': false });
    await savePreferences(handle.db, me.id, { 'interest.due': true });
    const saved = await preferences(handle.db, me.id);
    expect(saved['match.state']).toBe(false);
    expect(saved['interest.due']).toBe(true);
    expect(saved['interest.received']).toBe(true);
  });
});

/* ---------- the pages ---------- */

describe('the pages', () => {
  it('shows the unread count in the header and the notices in the inbox; marks them read by POST', async () => {
    const me = await newUser();
    const cookie = await cookieFor(me.id);
    await notify(handle.db, {
      userIds: [me.id],
      kind: 'interest.received',
      title: '收到对接意向',
      link: '/listings/1',
    });
    await notify(handle.db, { userIds: [me.id], kind: 'match.state', title: '对接进入洽谈' });

    const root = await settle(rootLoader(args(get('/', cookie)) as LoaderFunctionArgs));
    expect(root.body.user.unread).toBe(2);
    const anonymousRoot = await settle(rootLoader(args(get('/')) as LoaderFunctionArgs));
    expect(anonymousRoot.body.user).toBeNull();

    const page = await settle(noticesLoader(args(get('/account/notices', cookie)) as LoaderFunctionArgs));
    expect(page.status).toBe(200);
    expect(page.body.items.map((i: { title: string }) => i.title)).toEqual(['对接进入洽谈', '收到对接意向']);
    expect(page.body.unread).toBe(2);
    expect(typeof page.body.items[0].createdAt).toBe('string');

    const one = await settle(
      noticesAction(
        args(
          post('/account/notices', { intent: 'read', id: page.body.items[0].id }, cookie),
        ) as ActionFunctionArgs,
      ),
    );
    expect(one).toEqual({ status: 200, body: { message: n.inbox.markedRead } });
    expect(await unreadCount(handle.db, me.id)).toBe(1);

    const all = await settle(
      noticesAction(args(post('/account/notices', { intent: 'read-all' }, cookie)) as ActionFunctionArgs),
    );
    expect(all).toEqual({ status: 200, body: { message: n.inbox.allMarkedRead(1) } });
    const after = await settle(rootLoader(args(get('/', cookie)) as LoaderFunctionArgs));
    expect(after.body.user.unread).toBe(0);
  });

  it('answers 400 to an unknown intent, a malformed id and a bad page, and changes nothing', async () => {
    const me = await newUser();
    const cookie = await cookieFor(me.id);
    await notify(handle.db, { userIds: [me.id], kind: 'match.state', title: '未读' });
    const forms: Record<string, string>[] = [{ intent: 'nothing' }, { intent: 'read', id: 'x' }, {}];
    for (const form of forms) {
      const answer = await settle(
        noticesAction(args(post('/account/notices', form, cookie)) as ActionFunctionArgs),
      );
      expect(answer.status, JSON.stringify(form)).toBe(400);
    }
    expect(await unreadCount(handle.db, me.id)).toBe(1);
    const bad = await settle(
      noticesLoader(args(get('/account/notices?page=x', cookie)) as LoaderFunctionArgs),
    );
    expect(bad.status).toBe(400);

    const prefs = await settle(
      prefsAction(args(post('/account/notifications', { intent: 'nothing' }, cookie)) as ActionFunctionArgs),
    );
    expect(prefs).toEqual({ status: 400, body: { error: n.errors.unknownIntent } });
    const unknownKind = await settle(
      prefsAction(
        args(
          post(
            '/account/notifications',
            new URLSearchParams([
              ['intent', 'save'],
              ['mail', 'no.such'],
            ]),
            cookie,
          ),
        ) as ActionFunctionArgs,
      ),
    );
    expect(unknownKind).toEqual({ status: 400, body: { error: n.errors.unknownKind } });
    expect(Object.values(await preferences(handle.db, me.id)).every(Boolean)).toBe(true);
  });

  it('saves the mail preferences from the form: unchecked kinds are off', async () => {
    const me = await newUser();
    const cookie = await cookieFor(me.id);
    const before = await settle(
      prefsLoader(args(get('/account/notifications', cookie)) as LoaderFunctionArgs),
    );
    expect(before.body).toEqual({
      email: me.email,
      mail: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, true])),
    });
    const form = new URLSearchParams([['intent', 'save']]);
    for (const kind of NOTIFICATION_KINDS) if (kind !== 'match.state') form.append('mail', kind);
    const saved = await settle(
      prefsAction(args(post('/account/notifications', form, cookie)) as ActionFunctionArgs),
    );
    expect(saved).toEqual({ status: 200, body: { message: n.preferences.saved } });
    const after = await settle(
      prefsLoader(args(get('/account/notifications', cookie)) as LoaderFunctionArgs),
    );
    expect(after.body.mail['match.state']).toBe(false);
    expect(after.body.mail['interest.received']).toBe(true);
  });

  it('sends anonymous visitors to the login page', async () => {
    for (const answer of [
      await settle(noticesLoader(args(get('/account/notices')) as LoaderFunctionArgs)),
      await settle(prefsLoader(args(get('/account/notifications')) as LoaderFunctionArgs)),
      await settle(
        noticesAction(args(post('/account/notices', { intent: 'read-all' })) as ActionFunctionArgs),
      ),
    ]) {
      expect(answer.status).toBe(302);
    }
  });
});
