import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editionMailTask, fanOutEdition } from '../../app/features/editions/edition-mail-task.server.ts';
import { addEntries, createEdition, publishEdition } from '../../app/features/editions/editions.server.ts';
import { requestSubscription } from '../../app/features/editions/subscriptions.server.ts';
import { mailTask } from '../../app/features/mail/mail.server.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import { action as accountAction, loader as accountLoader } from '../../app/routes/account._index.tsx';
import { action as subscribeAction } from '../../app/routes/lists.subscribe._index.tsx';
import {
  action as confirmAction,
  loader as confirmLoader,
} from '../../app/routes/lists.subscribe.confirm.$token.tsx';
import {
  action as unsubscribeAction,
  loader as unsubscribeLoader,
} from '../../app/routes/lists.unsubscribe.$token.tsx';
import type { AppContext } from '../../app/server/context.ts';
import { createLogger } from '../../app/server/logger.ts';
import { createSession } from '../../app/server/session.server.ts';
import type { DbHandle } from '../../db/client.ts';
import { DEMO_DOMAIN } from '../../db/seed/data/people.ts';
import { createPostgresEngine } from '../../search/postgres.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';

const s = zhCN.editions.subscribe;
const ORIGIN = 'https://kjcg.example.cn';

let handle: DbHandle;
let ctx: AppContext;
let dataDir: string;

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-subscriptions-'));
  const base = testContext(handle);
  ctx = testContext(handle, { config: { ...base.config, DATA_DIR: dataDir, PUBLIC_ORIGIN: ORIGIN } });
});

afterAll(async () => {
  await handle.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/* ---------- helpers ---------- */

interface Answer {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: route results of several shapes, inspected per test
  body: any;
}

/** A loader's or action's result as status, headers and body: plain data, data() with init, or a thrown Response. */
async function settle(result: Promise<unknown>): Promise<Answer> {
  try {
    const value = await result;
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'DataWithResponseInit') {
      const wrapped = value as { data: unknown; init: ResponseInit | null };
      return {
        status: wrapped.init?.status ?? 200,
        headers: Object.fromEntries(new Headers(wrapped.init?.headers).entries()),
        body: wrapped.data,
      };
    }
    return { status: 200, headers: {}, body: value };
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    return {
      status: thrown.status,
      headers: Object.fromEntries(thrown.headers.entries()),
      body: await thrown.text(),
    };
  }
}

function post(url: string, form: Record<string, string>, cookie?: string): Request {
  return new Request(`http://localhost${url}`, {
    method: 'POST',
    body: new URLSearchParams(form),
    headers: cookie ? { Cookie: cookie } : {},
  });
}

let ipCounter = 0;
/** A fresh client address, so that the per-IP limit only bites where a test wants it to. */
function freshIp(): string {
  ipCounter += 1;
  return `198.51.100.${ipCounter}`;
}

function subscribe(email: string, ip = freshIp()) {
  return settle(
    subscribeAction({
      request: post('/lists/subscribe', { email }),
      params: {},
      context: { ...ctx, clientIp: ip },
    } as ActionFunctionArgs),
  );
}

function tokenArgs(route: string, token: string, method: 'GET' | 'POST') {
  return {
    request:
      method === 'POST' ? post(`${route}/${token}`, {}) : new Request(`http://localhost${route}/${token}`),
    params: { token },
    context: ctx,
  };
}

const confirmGet = (token: string) =>
  settle(confirmLoader(tokenArgs('/lists/subscribe/confirm', token, 'GET') as LoaderFunctionArgs));
const confirmPost = (token: string) =>
  settle(confirmAction(tokenArgs('/lists/subscribe/confirm', token, 'POST') as ActionFunctionArgs));
const unsubscribeGet = (token: string) =>
  settle(unsubscribeLoader(tokenArgs('/lists/unsubscribe', token, 'GET') as LoaderFunctionArgs));
const unsubscribePost = (token: string) =>
  settle(unsubscribeAction(tokenArgs('/lists/unsubscribe', token, 'POST') as ActionFunctionArgs));

interface MailRow {
  id: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: { to: string; subject: string; text: string; headers?: Record<string, string> };
}

async function mailsTo(email: string): Promise<MailRow[]> {
  const rows = await handle.db
    .selectFrom('outbox')
    .select(['id', 'aggregate_type', 'aggregate_id', 'payload'])
    .where('topic', '=', 'mail')
    .where(({ ref }) => ref('payload', '->>').key('to'), '=', email)
    .orderBy('id')
    .execute();
  return rows as unknown as MailRow[];
}

async function subscription(email: string) {
  return handle.db.selectFrom('subscription').selectAll().where('email', '=', email).executeTakeFirst();
}

function confirmTokenIn(text: string): string {
  const match = text.match(/\/lists\/subscribe\/confirm\/([A-Za-z0-9_-]{43})/);
  expect(match, text).not.toBeNull();
  return match![1]!;
}

/** Anonymous subscription through the pages: form, confirmation mail, confirm button. Returns the token. */
async function subscribeAndConfirm(email: string): Promise<void> {
  expect((await subscribe(email)).status).toBe(200);
  const mails = await mailsTo(email);
  const token = confirmTokenIn(mails.at(-1)!.payload.text);
  expect((await confirmPost(token)).status).toBe(200);
  expect((await subscription(email))?.status).toBe('active');
}

async function cookieFor(email: string): Promise<{ cookie: string; userId: number; email: string }> {
  const user = await handle.db
    .selectFrom('app_user')
    .select(['id', 'email'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  const session = await createSession(ctx.db, ctx.config, { userId: user.id, ip: null, userAgent: null });
  return { cookie: session.cookie.split(';')[0]!, userId: user.id, email: user.email };
}

function accountPost(cookie: string, intent: string) {
  return settle(
    accountAction({
      request: post('/account', { intent }, cookie),
      params: {},
      context: ctx,
    } as ActionFunctionArgs),
  );
}

function accountGet(cookie: string) {
  return settle(
    accountLoader({
      request: new Request('http://localhost/account', { headers: { Cookie: cookie } }),
      params: {},
      context: ctx,
    } as LoaderFunctionArgs),
  );
}

function workerCtx() {
  return {
    db: handle.db,
    search: createPostgresEngine(handle.db),
    logger: createLogger('silent'),
    now: new Date(),
  };
}

async function count(table: 'subscription' | 'outbox' | 'rate_limit'): Promise<number> {
  const row = await handle.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

let editionNumber = 0;
/** A published edition of a few live demo listings; returns its id. */
async function publishAnEdition(): Promise<number> {
  editionNumber += 1;
  const actor = { userId: null, ip: null };
  const created = await createEdition(handle.db, {
    actor,
    meta: {
      year: 2026,
      number: 900 + editionNumber,
      title: `2026年第${900 + editionNumber}期场景供需清单`,
      introduction: '',
    },
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  const listings = await handle.db
    .selectFrom('listing')
    .select('id')
    .where('status', '=', 'published')
    .where('expires_at', '>', new Date())
    .where('confidentiality', '=', 'public')
    .orderBy('id')
    .limit(6)
    .execute();
  const added = await addEntries(handle.db, {
    actor,
    id: created.id,
    version: 1,
    listingIds: listings.map((l) => l.id),
  });
  if (!added.ok) throw new Error(JSON.stringify(added));
  const published = await publishEdition(handle.db, { actor, id: created.id, version: 2 });
  if (!published.ok || !published.published) throw new Error(JSON.stringify(published));
  return created.id;
}

async function editionMails(editionId: number): Promise<MailRow[]> {
  const rows = await handle.db
    .selectFrom('outbox')
    .select(['id', 'aggregate_type', 'aggregate_id', 'payload'])
    .where('topic', '=', 'mail')
    .where('aggregate_type', '=', 'edition_delivery')
    .where('aggregate_id', 'like', `${editionId}:%`)
    .orderBy('id')
    .execute();
  return rows as unknown as MailRow[];
}

async function activeEmails(): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('subscription')
    .select('email')
    .where('status', '=', 'active')
    .orderBy('email')
    .execute();
  return rows.map((r) => r.email);
}

/* ---------- tests ---------- */

describe('subscribing with an e-mail address', () => {
  it('refuses a malformed address with 400, a Chinese field message and the typed value; nothing is written', async () => {
    const before = await Promise.all([count('subscription'), count('outbox'), count('rate_limit')]);
    for (const email of ['不是邮箱', 'someone@', '', '   ']) {
      const answer = await subscribe(email);
      expect(answer.status, email).toBe(400);
      expect(answer.body.fieldErrors.email).toEqual([s.errors.email]);
      expect(answer.body.values.email).toBe(email);
    }
    expect(await Promise.all([count('subscription'), count('outbox'), count('rate_limit')])).toEqual(before);
  });

  it('double opt-in: a pending address gets a confirmation mail; the link confirms only by POST', async () => {
    const email = 'reader-one@example.cn';
    const answer = await subscribe('  Reader-One@Example.CN ');
    expect(answer).toMatchObject({ status: 200, body: { done: true } });

    const row = await subscription(email);
    expect(row).toMatchObject({ status: 'pending', user_id: null, confirmed_at: null });
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.payload.subject).toBe(s.mail.confirmSubject);
    expect(mails[0]!.payload.text).toContain(`${ORIGIN}/lists/subscribe/confirm/`);
    const token = confirmTokenIn(mails[0]!.payload.text);

    // Only the token's SHA-256 is stored, never the token.
    expect(row!.confirm_token_hash).toBe(crypto.createHash('sha256').update(token).digest('base64url'));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(new Date(row!.confirm_expires_at!).getTime()).toBeGreaterThan(Date.now() + 47 * 3_600_000);

    // GET shows the address and a button; it does not confirm (mail scanners prefetch links).
    const page = await confirmGet(token);
    expect(page).toMatchObject({ status: 200, body: { email, confirmed: false } });
    expect((await subscription(email))?.status).toBe('pending');

    expect((await confirmPost(token)).status).toBe(200);
    const confirmed = await subscription(email);
    expect(confirmed).toMatchObject({ status: 'active' });
    expect(confirmed!.confirmed_at).not.toBeNull();
    // The page (and a second click) says so; the link does nothing else.
    expect(await confirmGet(token)).toMatchObject({ status: 200, body: { confirmed: true } });
    expect((await confirmPost(token)).status).toBe(200);

    const audit = await handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'subscription')
      .where('entity_id', '=', String(confirmed!.id))
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['subscription.confirm', 'subscription.request']);
  });

  it('answers the same for an active address, and sends it no second confirmation mail', async () => {
    const email = 'reader-two@example.cn';
    await subscribeAndConfirm(email);
    const fresh = await subscribe('reader-new@example.cn');
    const active = await subscribe(email);
    expect(active).toEqual(fresh);
    expect(await mailsTo(email)).toHaveLength(1);
    expect((await subscription(email))?.status).toBe('active');
  });

  it('a new request for a pending address replaces its token: the older link no longer works', async () => {
    const email = 'reader-three@example.cn';
    await subscribe(email);
    await subscribe(email);
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(2);
    const [older, newer] = mails.map((m) => confirmTokenIn(m.payload.text));
    expect(older).not.toBe(newer);
    expect((await confirmGet(older!)).status).toBe(404);
    expect((await confirmPost(older!)).status).toBe(404);
    expect((await subscription(email))?.status).toBe('pending');
    expect((await confirmPost(newer!)).status).toBe(200);
    expect((await subscription(email))?.status).toBe('active');
  });

  it('refuses an expired confirmation link (48 hours) and unknown tokens with 404', async () => {
    const email = 'reader-late@example.cn';
    const result = await requestSubscription(handle.db, {
      email,
      ip: freshIp(),
      origin: ORIGIN,
      now: new Date(Date.now() - 49 * 3_600_000),
    });
    expect(result.ok).toBe(true);
    const token = confirmTokenIn((await mailsTo(email))[0]!.payload.text);
    const page = await confirmGet(token);
    expect(page.status).toBe(404);
    expect(page.body).toBe(s.invalidToken);
    expect((await confirmPost(token)).status).toBe(404);
    expect((await subscription(email))?.status).toBe('pending');
    for (const bogus of ['A'.repeat(43), 'short', `${token}x`]) {
      expect((await confirmGet(bogus)).status).toBe(404);
      expect((await confirmPost(bogus)).status).toBe(404);
    }
  });

  it('limits requests per address (3 a day) and per IP (10 an hour): 429 with Retry-After', async () => {
    const email = 'reader-busy@example.cn';
    for (let i = 0; i < 3; i++) expect((await subscribe(email)).status).toBe(200);
    const limited = await subscribe(email);
    expect(limited.status).toBe(429);
    expect(limited.body.formError).toBe(s.errors.rateLimited);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await mailsTo(email)).toHaveLength(3);

    const ip = freshIp();
    for (let i = 0; i < 10; i++) expect((await subscribe(`reader-ip-${i}@example.cn`, ip)).status).toBe(200);
    const fromIp = await subscribe('reader-ip-10@example.cn', ip);
    expect(fromIp.status).toBe(429);
    expect(Number(fromIp.headers['retry-after'])).toBeGreaterThan(0);
    expect(await subscription('reader-ip-10@example.cn')).toBeUndefined();
  });
});

describe('unsubscribing', () => {
  it('shows the address on GET, unsubscribes on POST, and says so afterwards; an unknown token is 404', async () => {
    const email = 'reader-leaving@example.cn';
    await subscribeAndConfirm(email);
    const row = await subscription(email);
    const page = await unsubscribeGet(row!.unsubscribe_token);
    expect(page).toMatchObject({ status: 200, body: { email, unsubscribed: false } });
    expect((await subscription(email))?.status).toBe('active');
    expect((await unsubscribePost(row!.unsubscribe_token)).status).toBe(200);
    expect((await subscription(email))?.status).toBe('unsubscribed');
    expect(await unsubscribeGet(row!.unsubscribe_token)).toMatchObject({ body: { unsubscribed: true } });
    // Twice is fine.
    expect((await unsubscribePost(row!.unsubscribe_token)).status).toBe(200);

    const unknown = await unsubscribeGet('A'.repeat(43));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toBe(s.unsubscribeInvalid);
    expect((await unsubscribePost('A'.repeat(43))).status).toBe(404);
  });

  it('an unsubscribed address can subscribe again, through a new confirmation', async () => {
    const email = 'reader-leaving@example.cn';
    expect((await subscribe(email)).status).toBe(200);
    expect((await subscription(email))?.status).toBe('pending');
    const token = confirmTokenIn((await mailsTo(email)).at(-1)!.payload.text);
    expect((await confirmPost(token)).status).toBe(200);
    expect((await subscription(email))?.status).toBe('active');
  });
});

describe('members on their account page', () => {
  it('subscribe with their account e-mail at once, and unsubscribe', async () => {
    const member = await cookieFor(`member-chilechuan-dairy@${DEMO_DOMAIN}`);
    expect((await accountGet(member.cookie)).body.listMail).toEqual({ active: false });

    const on = await accountPost(member.cookie, 'list-subscribe');
    expect(on).toMatchObject({ status: 200, body: { message: s.confirmed } });
    const row = await subscription(member.email.toLowerCase());
    expect(row).toMatchObject({ status: 'active', user_id: member.userId, confirm_token_hash: null });
    expect(await mailsTo(member.email.toLowerCase())).toHaveLength(0);
    expect((await accountGet(member.cookie)).body.listMail).toEqual({ active: true });

    const off = await accountPost(member.cookie, 'list-unsubscribe');
    expect(off).toMatchObject({ status: 200, body: { message: s.unsubscribed } });
    expect((await subscription(member.email.toLowerCase()))?.status).toBe('unsubscribed');
    expect((await accountGet(member.cookie)).body.listMail).toEqual({ active: false });

    expect((await accountPost(member.cookie, 'list-subscribe')).status).toBe(200);
    expect((await subscription(member.email.toLowerCase()))?.status).toBe('active');
  });

  it('refuses an unknown intent with 400, and sends anonymous visitors to the login page', async () => {
    const member = await cookieFor(`owner-chilechuan-dairy@${DEMO_DOMAIN}`);
    const answer = await accountPost(member.cookie, 'nothing');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe(zhCN.editions.errors.unknownIntent);
    const anonymous = await settle(
      accountAction({
        request: post('/account', { intent: 'list-subscribe' }),
        params: {},
        context: ctx,
      } as ActionFunctionArgs),
    );
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/login\?redirectTo=/);
  });
});

describe('publishing an edition mails every active subscriber exactly once', () => {
  let editionId: number;
  let pendingEmail: string;
  let unsubscribedEmail: string;

  beforeAll(async () => {
    // A few more of each state: active (confirmed), pending, unsubscribed.
    for (const n of [1, 2, 3]) await subscribeAndConfirm(`edition-reader-${n}@example.cn`);
    pendingEmail = 'edition-pending@example.cn';
    await subscribe(pendingEmail);
    unsubscribedEmail = 'edition-unsubscribed@example.cn';
    await subscribeAndConfirm(unsubscribedEmail);
    const row = await subscription(unsubscribedEmail);
    expect((await unsubscribePost(row!.unsubscribe_token)).status).toBe(200);
    editionId = await publishAnEdition();
  });

  it('queues one mail per active subscriber and none for pending or unsubscribed ones, even when run again', async () => {
    const task = editionMailTask(ctx.config);
    expect(await task.run(workerCtx())).toBe(1);
    expect(await task.run(workerCtx())).toBe(0);

    // A crash after the fan-out but before the row was marked done: the row comes back and runs again.
    await handle.db
      .updateTable('outbox')
      .set({ processed_at: null, available_at: new Date(Date.now() - 1000) })
      .where('topic', '=', 'edition')
      .where('aggregate_id', '=', String(editionId))
      .execute();
    expect(await task.run(workerCtx())).toBe(1);
    // And the fan-out itself, run directly in small batches, finds nobody left.
    expect(await fanOutEdition(handle.db, editionId, ORIGIN, 2)).toBe(0);

    const mails = await editionMails(editionId);
    const active = await activeEmails();
    expect(active.length).toBeGreaterThanOrEqual(5);
    expect(mails.map((m) => m.payload.to).sort()).toEqual(active);
    expect(active).not.toContain(pendingEmail);
    expect(active).not.toContain(unsubscribedEmail);

    const deliveries = await handle.db
      .selectFrom('edition_delivery')
      .select('subscription_id')
      .where('edition_id', '=', editionId)
      .execute();
    expect(deliveries).toHaveLength(active.length);

    const outboxRow = await handle.db
      .selectFrom('outbox')
      .select(['processed_at', 'last_error'])
      .where('topic', '=', 'edition')
      .where('aggregate_id', '=', String(editionId))
      .executeTakeFirstOrThrow();
    expect(outboxRow).toMatchObject({ last_error: null });
    expect(outboxRow.processed_at).not.toBeNull();
  });

  it("each mail has the edition's summary, its links and the subscriber's own unsubscribe link", async () => {
    const edition = await handle.db
      .selectFrom('edition')
      .select(['year', 'number', 'title'])
      .where('id', '=', editionId)
      .executeTakeFirstOrThrow();
    const link = `${ORIGIN}/lists/${edition.year}/${edition.number}`;
    const counts = await handle.db
      .selectFrom('edition_entry')
      .select(['section', (eb) => eb.fn.countAll<number>().as('n')])
      .where('edition_id', '=', editionId)
      .groupBy('section')
      .execute();
    const n = (section: string) => Number(counts.find((c) => c.section === section)?.n ?? 0);
    for (const mail of await editionMails(editionId)) {
      const row = await subscription(mail.payload.to);
      const unsubscribe = `${ORIGIN}/lists/unsubscribe/${row!.unsubscribe_token}`;
      expect(mail.payload.subject).toBe(s.mail.editionSubject(edition.title));
      expect(mail.payload.text).toContain(zhCN.editions.editionSummary(n('demand'), n('supply')));
      expect(mail.payload.text).toContain(link);
      expect(mail.payload.text).toContain(`${link}/edition.xlsx`);
      expect(mail.payload.text).toContain(unsubscribe);
      expect(mail.payload.headers).toEqual({ 'List-Unsubscribe': `<${unsubscribe}>` });
    }
  });

  it('the mail sender writes exactly one .eml per subscriber, with List-Unsubscribe, also after a retry', async () => {
    const sender = mailTask(ctx.config);
    while ((await sender.run(workerCtx())) > 0) {
      // until every queued mail went out
    }
    const mails = await editionMails(editionId);
    const dir = path.join(dataDir, 'mail');
    for (const mail of mails) {
      const eml = fs.readFileSync(path.join(dir, `${mail.id}.eml`), 'utf8');
      expect(eml).toMatch(new RegExp(`^To: ${mail.payload.to.replace(/[.]/g, '\\.')}$`, 'm'));
      // The header as queued (long header lines are folded: a line break and a space).
      const header = eml.match(/^List-Unsubscribe:\s+(<[^>]+>)$/m);
      expect(header?.[1]).toBe(mail.payload.headers!['List-Unsubscribe']);
    }
    const files = () => fs.readdirSync(dir).filter((f) => mails.some((m) => f === `${m.id}.eml`));
    expect(files()).toHaveLength(mails.length);

    // A crash after writing but before marking one row done: the retry replaces its file, no second mail.
    await handle.db
      .updateTable('outbox')
      .set({ processed_at: null, available_at: new Date(Date.now() - 1000) })
      .where('id', '=', mails[0]!.id)
      .execute();
    expect(await sender.run(workerCtx())).toBe(1);
    expect(files()).toHaveLength(mails.length);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).length).toBe(
      Number(
        (
          await handle.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('topic', '=', 'mail')
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );
  });

  it('the unsubscribe link of an edition mail works, and the next edition skips that subscriber', async () => {
    const mail = (await editionMails(editionId)).find((m) => m.payload.to === 'edition-reader-1@example.cn')!;
    const token = mail.payload.text.match(/\/lists\/unsubscribe\/([A-Za-z0-9_-]{43})/)![1]!;
    expect(await unsubscribeGet(token)).toMatchObject({
      status: 200,
      body: { email: 'edition-reader-1@example.cn' },
    });
    expect((await unsubscribePost(token)).status).toBe(200);

    const next = await publishAnEdition();
    expect(await editionMailTask(ctx.config).run(workerCtx())).toBe(1);
    const recipients = (await editionMails(next)).map((m) => m.payload.to).sort();
    expect(recipients).toEqual(await activeEmails());
    expect(recipients).not.toContain('edition-reader-1@example.cn');
  });

  it('queues nothing for an edition that is not published', async () => {
    const created = await createEdition(handle.db, {
      actor: { userId: null, ip: null },
      meta: { year: 2026, number: 990, title: '2026年第990期场景供需清单', introduction: '' },
    });
    if (!created.ok) throw new Error('edition not created');
    expect(await fanOutEdition(handle.db, created.id, ORIGIN)).toBe('not-published');
    expect(await editionMails(created.id)).toHaveLength(0);
  });
});
