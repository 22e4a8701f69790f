import { describe, expect, it } from 'vitest';
import {
  isNotificationKind,
  kindDescription,
  kindLabel,
  MAIL_DEFAULT,
  mailWanted,
  NOTICE_ONLY_KINDS,
  NOTIFICATION_KINDS,
} from '../../app/features/notifications/kinds.ts';
import {
  choicesFromChecked,
  inboxActionSchema,
  inboxQuerySchema,
  preferencesFormSchema,
} from '../../app/features/notifications/rules.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';

const n = zhCN.notifications;

describe('notification kinds', () => {
  it('gives every kind a Chinese label and description, and the dictionary no extra kinds', () => {
    const all = [...NOTIFICATION_KINDS, ...NOTICE_ONLY_KINDS];
    for (const kind of all) {
      expect(kindLabel(kind), kind).toMatch(/\p{Script=Han}/u);
      expect(kindDescription(kind), kind).toMatch(/\p{Script=Han}/u);
      expect(kindLabel(kind)).not.toBe(n.otherKind);
    }
    expect(Object.keys(n.kinds).sort()).toEqual([...all].sort());
    expect(new Set(NOTIFICATION_KINDS.map(kindLabel)).size).toBe(NOTIFICATION_KINDS.length);
  });

  it('sends mail of every kind by default; a stored choice wins', () => {
    for (const kind of NOTIFICATION_KINDS) {
      expect(MAIL_DEFAULT[kind]).toBe(true);
      expect(mailWanted(kind, null)).toBe(true);
      expect(mailWanted(kind, false)).toBe(false);
    }
  });

  it('keeps in-app-only kinds out of the mail preferences', () => {
    for (const kind of NOTICE_ONLY_KINDS) expect(isNotificationKind(kind)).toBe(false);
    expect(kindLabel('something.old')).toBe(n.otherKind);
  });
});

describe('notification page inputs', () => {
  it('parses the inbox forms and refuses unknown intents and malformed ids', () => {
    expect(inboxActionSchema.parse({ intent: 'read', id: '42' })).toEqual({ intent: 'read', id: '42' });
    expect(inboxActionSchema.parse({ intent: 'read-all' })).toEqual({ intent: 'read-all' });
    const unknown = inboxActionSchema.safeParse({ intent: 'nothing' });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.message).toBe(n.errors.unknownIntent);
    for (const id of ['0', '-1', 'abc', '1e3', '', '1234567890123456789'])
      expect(inboxActionSchema.safeParse({ intent: 'read', id }).error?.issues[0]?.message, id).toBe(
        n.errors.invalidNotice,
      );
  });

  it('parses the page number', () => {
    expect(inboxQuerySchema.parse({}).page).toBe(1);
    expect(inboxQuerySchema.parse({ page: '3' }).page).toBe(3);
    expect(inboxQuerySchema.safeParse({ page: 'x' }).error?.issues[0]?.message).toBe(n.errors.invalidPage);
  });

  it('turns the checked boxes into a choice for every kind', () => {
    const parsed = preferencesFormSchema.parse({ intent: 'save', mail: ['interest.received'] });
    const choices = choicesFromChecked(parsed.mail);
    expect(Object.keys(choices).sort()).toEqual([...NOTIFICATION_KINDS].sort());
    expect(choices['interest.received']).toBe(true);
    expect(choices['match.state']).toBe(false);
    expect(
      preferencesFormSchema.safeParse({ intent: 'save', mail: ['no.such'] }).error?.issues[0]?.message,
    ).toBe(n.errors.unknownKind);
    expect(preferencesFormSchema.safeParse({ intent: 'nothing', mail: [] }).error?.issues[0]?.message).toBe(
      n.errors.unknownIntent,
    );
  });
});
