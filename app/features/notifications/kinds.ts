import { notificationsZh } from '../../i18n/zh-CN/notifications.ts';

/*
 * The notification kinds, one home (pure). Every notice carries one of these kinds; a person can switch the
 * mail of each NOTIFICATION_KINDS kind off (/account/notifications). Labels and descriptions live in
 * app/i18n/zh-CN/notifications.ts. A new kind: add it here and there (a unit test checks both).
 */

/** Kinds that may send mail, and so have a per-person mail preference. */
export const NOTIFICATION_KINDS = [
  'listing.expiring',
  'interest.received',
  'interest.due',
  'interest.overdue',
  'interest.accepted',
  'interest.declined',
  'match.proposed',
  'match.state',
  'match.assigned',
  'edition.schedule-failed',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds that are only ever in-app notices (the review outcome of a listing, issue 4): no mail, no preference. */
export const NOTICE_ONLY_KINDS = ['listing.approve', 'listing.reject'] as const;
export type NoticeOnlyKind = (typeof NOTICE_ONLY_KINDS)[number];

export type NoticeKind = NotificationKind | NoticeOnlyKind;

/** Whether a kind sends mail when the person has not chosen: all on. */
export const MAIL_DEFAULT: Readonly<Record<NotificationKind, boolean>> = Object.fromEntries(
  NOTIFICATION_KINDS.map((kind) => [kind, true]),
) as Record<NotificationKind, boolean>;

/** The compiler checks that the dictionary names every kind. */
const KIND_TEXT: Readonly<Record<NoticeKind, { label: string; description: string }>> = notificationsZh.kinds;

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

export function isNoticeKind(value: unknown): value is NoticeKind {
  return (
    isNotificationKind(value) ||
    (typeof value === 'string' && (NOTICE_ONLY_KINDS as readonly string[]).includes(value))
  );
}

/** A stored kind's label; kinds this version does not know get a general one. */
export function kindLabel(kind: string): string {
  return isNoticeKind(kind) ? KIND_TEXT[kind].label : notificationsZh.otherKind;
}

export function kindDescription(kind: NoticeKind): string {
  return KIND_TEXT[kind].description;
}

/** Whether a person gets the mail of a kind: their stored choice, else the kind's default. */
export function mailWanted(kind: NotificationKind, stored: boolean | null | undefined): boolean {
  return stored ?? MAIL_DEFAULT[kind];
}
