import { hash } from '@node-rs/argon2';
import { type Kysely, sql, type Transaction } from 'kysely';
import { isUniqueViolation } from '../errors.ts';
import type { Database } from '../schema.ts';
import { BUREAU_ADMIN_EMAIL, buildDemoData, type DemoData, FIELD_CODES, type FieldCode } from './build.ts';
import { DEMO_PASSWORD } from './data/people.ts';
import { seedEditions } from './editions.ts';
import { seedMatching } from './matching.ts';

export interface SeedResult {
  /** false when the demo data was already there (nothing was changed). */
  created: boolean;
  /** Rows inserted by this call (0 when created is false). */
  organisations: number;
  listings: number;
  users: number;
}

const BATCH = 100;

/**
 * Loads the demo data set (db/seed/build.ts) unless it is already there. Idempotent: the marker is the demo
 * bureau admin account (admin@helin-demo.cn); when it exists nothing is changed. Everything is inserted in
 * one transaction, so a failure leaves the database as it was.
 */
export async function seedDemo(db: Kysely<Database>, options: { now?: Date } = {}): Promise<SeedResult> {
  if (await demoPresent(db)) return notCreated();
  const now = options.now ?? new Date();
  const data = buildDemoData(now);
  // One argon2id hash shared by every demo account (hashing 50 accounts one by one would cost seconds).
  const passwordHash = await hash(DEMO_PASSWORD);
  try {
    return await db.transaction().execute((trx) => insertAll(trx, data, passwordHash, now));
  } catch (error) {
    // Another process seeded at the same moment: its admin row won the unique e-mail index.
    if (isUniqueViolation(error) && (await demoPresent(db))) return notCreated();
    throw error;
  }
}

function notCreated(): SeedResult {
  return { created: false, organisations: 0, listings: 0, users: 0 };
}

async function demoPresent(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('app_user')
    .select('id')
    .where(sql<string>`lower(email)`, '=', BUREAU_ADMIN_EMAIL)
    .executeTakeFirst();
  return row !== undefined;
}

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function lookup<K, V>(map: Map<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`seedDemo: unknown ${what} ${String(key)}`);
  return value;
}

async function insertAll(
  trx: Transaction<Database>,
  data: DemoData,
  passwordHash: string,
  now: Date,
): Promise<SeedResult> {
  const fieldRows = await trx
    .selectFrom('field')
    .select(['id', 'code'])
    .where('code', 'in', FIELD_CODES)
    .execute();
  const fieldIds = new Map(fieldRows.map((f) => [f.code as FieldCode, f.id]));
  const missing = FIELD_CODES.filter((code) => !fieldIds.has(code));
  if (missing.length > 0) {
    throw new Error(
      `seedDemo: field taxonomy incomplete (missing ${missing.join(', ')}); run the migrations first`,
    );
  }
  const fieldId = (code: FieldCode) => lookup(fieldIds, code, 'field');

  // Organisations and their fields.
  const orgIds = new Map<string, number>();
  const usccToKey = new Map(data.organisations.map((o) => [o.uscc, o.key]));
  for (const batch of chunks(data.organisations)) {
    const rows = await trx
      .insertInto('organisation')
      .values(batch.map(({ key: _key, fields: _fields, ...row }) => row))
      .returning(['id', 'uscc'])
      .execute();
    for (const row of rows) orgIds.set(lookup(usccToKey, row.uscc ?? '', 'uscc'), row.id);
  }
  const orgId = (key: string) => lookup(orgIds, key, 'organisation');
  const orgFields = data.organisations.flatMap((o) =>
    o.fields.map((code) => ({ organisation_id: orgId(o.key), field_id: fieldId(code) })),
  );
  for (const batch of chunks(orgFields, 500))
    await trx.insertInto('organisation_field').values(batch).execute();

  // Users, memberships, platform roles, manager profiles.
  const userIds = new Map<string, number>();
  for (const batch of chunks(data.users)) {
    const rows = await trx
      .insertInto('app_user')
      .values(
        batch.map((u) => ({
          email: u.email,
          display_name: u.display_name,
          phone: u.phone,
          password_hash: passwordHash,
          created_at: u.created_at,
          updated_at: u.created_at,
        })),
      )
      .returning(['id', 'email'])
      .execute();
    for (const row of rows) userIds.set(row.email, row.id);
  }
  const userId = (email: string) => lookup(userIds, email, 'user');
  const memberships = data.users.flatMap((u) =>
    u.memberships.map((m) => ({
      user_id: userId(u.email),
      organisation_id: orgId(m.organisation),
      role: m.role,
      status: m.status,
      created_at: m.created_at,
    })),
  );
  for (const batch of chunks(memberships, 500)) await trx.insertInto('membership').values(batch).execute();
  const roles = data.users.flatMap((u) =>
    u.platform_role
      ? [
          {
            user_id: userId(u.email),
            role: u.platform_role.role,
            granted_at: u.created_at,
            granted_by: u.platform_role.granted_by === null ? null : userId(u.platform_role.granted_by),
          },
        ]
      : [],
  );
  if (roles.length > 0) await trx.insertInto('platform_role').values(roles).execute();
  const profiles = data.users.flatMap((u) =>
    u.manager
      ? [
          {
            user_id: userId(u.email),
            grade: u.manager.grade,
            certificate_no: u.manager.certificate_no,
            agency_id: orgId(u.manager.agency),
            field_ids: u.manager.fields.map(fieldId),
            bio: u.manager.bio,
          },
        ]
      : [],
  );
  if (profiles.length > 0) await trx.insertInto('manager_profile').values(profiles).execute();

  // Listings, their fields and their histories.
  const listingIds = new Map<string, number>();
  for (const batch of chunks(data.listings)) {
    const rows = await trx
      .insertInto('listing')
      .values(
        batch.map((l) => ({
          ...l.row,
          organisation_id: orgId(l.organisation),
          created_by: userId(l.created_by),
        })),
      )
      .returning(['id', 'title'])
      .execute();
    for (const row of rows) listingIds.set(row.title, row.id);
  }
  const listingId = (title: string) => lookup(listingIds, title, 'listing');
  const listingFields = data.listings.flatMap((l) =>
    l.fields.map((code) => ({ listing_id: listingId(l.row.title), field_id: fieldId(code) })),
  );
  for (const batch of chunks(listingFields, 500))
    await trx.insertInto('listing_field').values(batch).execute();
  const events = data.listings.flatMap((l) =>
    l.events.map((e) => ({
      listing_id: listingId(l.row.title),
      type: e.type,
      from_status: e.from_status,
      to_status: e.to_status,
      actor_user_id: e.actor === null ? null : userId(e.actor),
      note: e.note,
      created_at: e.created_at,
    })),
  );
  for (const batch of chunks(events, 500)) await trx.insertInto('listing_event').values(batch).execute();

  // The supply–demand list: two published editions and a draft.
  await seedEditions(trx, now, userId(BUREAU_ADMIN_EMAIL));

  // Brokering: interests, matches in every state, contracts, registrations, events, activities.
  await seedMatching(trx, now);

  return {
    created: true,
    organisations: data.organisations.length,
    listings: data.listings.length,
    users: data.users.length,
  };
}
