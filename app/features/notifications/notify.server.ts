import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  activeMemberIds,
  activeRecipients,
  countNotices,
  countUnread,
  inboxRows,
  insertNotices,
  markNoticesRead,
  platformRoleUserIds,
  storedPreferences,
  upsertPreferences,
} from '../../../db/queries/notices.ts';
import { enqueue } from '../../../db/queries/outbox.ts';
import type { Database } from '../../../db/schema.ts';
import { notificationsZh } from '../../i18n/zh-CN/notifications.ts';
import type { OutgoingMail } from '../mail/mail.server.ts';
import {
  isNotificationKind,
  kindLabel,
  mailWanted,
  NOTIFICATION_KINDS,
  type NoticeKind,
  type NoticeOnlyKind,
  type NotificationKind,
} from './kinds.ts';
import { INBOX_PAGE_SIZE } from './rules.ts';

/*
 * Notifications (issue 7): the one place that writes in-app notices and the mails that go with them.
 * notify / notifyOrganisation / notifyStaff run INSIDE the caller's transaction (pass the transaction as `db`),
 * so a notice and its mail exist exactly when the change they report does. Mails go through the outbox
 * (topic 'mail', app/features/mail/mail.server.ts); a person who switched a kind's mail off still gets the notice.
 * Disabled users get nothing. Reads and updates are scoped to one user in the where clause.
 */

export interface MailContent {
  subject: string;
  text: string;
}

interface NotificationBase {
  title: string;
  body?: string;
  /** A local path (`/my/listings/12`); shown in the inbox, and made absolute in the mail when `origin` is given. */
  link?: string;
  /**
   * The site's origin for the mail's links, e.g. publicOrigin(context.config, request)
   * (app/features/editions/subscriptions.server.ts). Without it the mail carries no link.
   */
  origin?: string;
  /** What each mail's outbox row is about, e.g. { type: 'interest', id: 7 }; default: the notice it goes with. */
  aggregate?: { type: string; id: string | number };
}

/** What to tell: a kind with a mail preference may carry a mail; in-app-only kinds never do. */
export type Notification = NotificationBase &
  ({ kind: NotificationKind; mail?: MailContent } | { kind: NoticeOnlyKind; mail?: undefined });

export interface NotifyResult {
  /** Users who got a notice (the active ones among those asked for). */
  noticed: number[];
  /** Users whose mail was queued. */
  mailed: number[];
}

const inputSchema = z.object({
  userIds: z.array(z.number().int().positive()).max(10_000),
  title: z.string().trim().min(1).max(300),
  body: z.string().max(5000).optional(),
  link: z
    .string()
    .max(500)
    .regex(/^\/(?!\/)/)
    .optional(),
  origin: z.url({ protocol: /^https?$/ }).optional(),
  mail: z.object({ subject: z.string().trim().min(1).max(200), text: z.string().max(20_000) }).optional(),
});

/** In-app notices to the given users, and their mails when `mail` is given. Call it inside your transaction. */
export async function notify(
  db: Kysely<Database>,
  input: Notification & { userIds: readonly number[] },
): Promise<NotifyResult> {
  const checked = inputSchema.parse({ ...input, userIds: [...input.userIds] });
  const kind: NoticeKind = input.kind;
  const userIds = [...new Set(checked.userIds)];
  const recipients = await activeRecipients(db, userIds, kind);
  const notices = await insertNotices(
    db,
    recipients.map((r) => ({
      user_id: r.id,
      kind,
      title: checked.title,
      body: checked.body ?? '',
      link: checked.link ?? null,
    })),
  );
  const noticeOf = new Map(notices.map((n) => [n.user_id, n.id]));
  const mailed: number[] = [];
  const { mail } = checked;
  if (mail && isNotificationKind(kind)) {
    const origin = checked.origin ? new URL(checked.origin).origin : undefined;
    const text = mailText(kind, mail.text, checked.link, origin);
    for (const r of recipients) {
      if (!mailWanted(kind, r.mail)) continue;
      const payload: OutgoingMail = { to: r.email, subject: mail.subject, text };
      await enqueue(db, {
        topic: 'mail',
        aggregateType: input.aggregate?.type ?? 'notice',
        aggregateId: input.aggregate?.id ?? noticeOf.get(r.id)!,
        payload: { ...payload },
      });
      mailed.push(r.id);
    }
  }
  return { noticed: recipients.map((r) => r.id), mailed };
}

/** notify() for every active member (any role) of an organisation. */
export async function notifyOrganisation(
  db: Kysely<Database>,
  organisationId: number,
  notification: Notification,
): Promise<NotifyResult> {
  const userIds = await activeMemberIds(db, organisationId);
  return notify(db, { ...notification, userIds });
}

/** notify() for the bureau staff (admins and reviewers), e.g. overdue interests. */
export async function notifyStaff(db: Kysely<Database>, notification: Notification): Promise<NotifyResult> {
  const userIds = await platformRoleUserIds(db, ['bureau_admin', 'bureau_reviewer']);
  return notify(db, { ...notification, userIds });
}

/** The mail's text: the caller's text, the link, and how to switch this kind of mail off. */
export function mailText(kind: NotificationKind, text: string, link?: string, origin?: string): string {
  const m = notificationsZh.mail;
  const parts = [text.trimEnd()];
  if (link && origin) parts.push(m.link(new URL(link, origin).href));
  const switchOff = origin ? m.switchOff(new URL('/account/notifications', origin).href) : m.switchOffNoLink;
  parts.push(`——\n${m.footer(kindLabel(kind))}\n${switchOff}`);
  return `${parts.join('\n\n')}\n`;
}

/* ---------- the inbox ---------- */

export async function unreadCount(db: Kysely<Database>, userId: number): Promise<number> {
  return countUnread(db, userId);
}

export interface InboxItem {
  id: string;
  kind: string;
  kindLabel: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: Date;
  read: boolean;
}

/** One page of the user's notices (20 per page): unread first, then newest. */
export async function inbox(
  db: Kysely<Database>,
  userId: number,
  options: { page: number },
): Promise<{ items: InboxItem[]; page: number; pages: number; total: number; unread: number }> {
  const page = Math.max(1, Math.trunc(options.page));
  const [rows, total, unread] = await Promise.all([
    inboxRows(db, userId, INBOX_PAGE_SIZE, (page - 1) * INBOX_PAGE_SIZE),
    countNotices(db, userId),
    countUnread(db, userId),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      kindLabel: kindLabel(r.kind),
      title: r.title,
      body: r.body,
      link: r.link,
      createdAt: r.created_at,
      read: r.read_at !== null,
    })),
    page,
    pages: Math.max(1, Math.ceil(total / INBOX_PAGE_SIZE)),
    total,
    unread,
  };
}

/** Marks the user's own notices read: the given ids (others' ids are ignored) or all. Returns how many changed. */
export async function markRead(
  db: Kysely<Database>,
  userId: number,
  ids: readonly (string | number)[] | 'all',
  now: Date = new Date(),
): Promise<number> {
  if (ids === 'all') return markNoticesRead(db, userId, 'all', now);
  const wellFormed = ids.map(String).filter((id) => /^[1-9][0-9]{0,17}$/.test(id));
  return markNoticesRead(db, userId, wellFormed, now);
}

/* ---------- mail preferences ---------- */

/** Whether the user gets mail of each kind (stored choice, else the default). */
export async function preferences(
  db: Kysely<Database>,
  userId: number,
): Promise<Record<NotificationKind, boolean>> {
  const stored = new Map((await storedPreferences(db, userId)).map((p) => [p.kind, p.mail]));
  return Object.fromEntries(
    NOTIFICATION_KINDS.map((kind) => [kind, mailWanted(kind, stored.get(kind))]),
  ) as Record<NotificationKind, boolean>;
}

/** Stores the user's choices for the kinds given (unknown kinds are ignored). */
export async function savePreferences(
  db: Kysely<Database>,
  userId: number,
  choices: Partial<Record<NotificationKind, boolean>>,
  now: Date = new Date(),
): Promise<void> {
  const rows = Object.entries(choices)
    .filter(
      (entry): entry is [NotificationKind, boolean] =>
        isNotificationKind(entry[0]) && typeof entry[1] === 'boolean',
    )
    .map(([kind, mail]) => ({ kind, mail }));
  await upsertPreferences(db, userId, rows, now);
}
