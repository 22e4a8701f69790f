import { z } from 'zod';
import { notificationsZh } from '../../i18n/zh-CN/notifications.ts';
import { NOTIFICATION_KINDS, type NotificationKind } from './kinds.ts';

/* The inputs of the notification pages (pure): the inbox's query string and forms, the preferences form. */

const e = notificationsZh.errors;

export const INBOX_PAGE_SIZE = 20;

/** /account/notices?page=2 */
export const inboxQuerySchema = z.object({
  page: z.coerce
    .number({ error: e.invalidPage })
    .int({ error: e.invalidPage })
    .min(1, { error: e.invalidPage })
    .max(100_000, { error: e.invalidPage })
    .default(1),
});

/** Notice ids are bigint identities, carried as decimal strings. */
const noticeId = z.string({ error: e.invalidNotice }).regex(/^[1-9][0-9]{0,17}$/, { error: e.invalidNotice });

/** The inbox's POST forms: one notice read, or all of them. */
export const inboxActionSchema = z.discriminatedUnion(
  'intent',
  [z.object({ intent: z.literal('read'), id: noticeId }), z.object({ intent: z.literal('read-all') })],
  { error: e.unknownIntent },
);
export type InboxAction = z.infer<typeof inboxActionSchema>;

/** The preferences form: `mail` holds the checked kinds (unchecked boxes are not sent). */
export const preferencesFormSchema = z.object({
  intent: z.literal('save', { error: e.unknownIntent }),
  mail: z.array(z.enum(NOTIFICATION_KINDS, { error: e.unknownKind })).max(NOTIFICATION_KINDS.length * 2),
});

/** Checked kinds → the full choice: every kind on the page, on when checked. */
export function choicesFromChecked(checked: readonly NotificationKind[]): Record<NotificationKind, boolean> {
  return Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, checked.includes(kind)])) as Record<
    NotificationKind,
    boolean
  >;
}
