import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Database, MembershipRole } from '../../../db/schema.ts';
import { audit } from '../../server/audit.server.ts';
import type { SignedIn } from '../../server/auth.server.ts';

/*
 * Organisations: public profile, settings (members, roles, join requests, invitations), bureau verification.
 * Object-level checks live in the where clauses: a settings query only finds the organisation when the
 * principal is an active member (owner for changes).
 */

export async function publicProfile(db: Kysely<Database>, id: number, now = new Date()) {
  return db
    .selectFrom('organisation as o')
    .select([
      'o.id',
      'o.name',
      'o.type',
      'o.region',
      'o.description',
      'o.growth_tiers',
      'o.agency_rating',
      'o.website',
      'o.mkj_id',
      'o.mkj_url',
    ])
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('organisation_field as of')
          .innerJoin('field as f', 'f.id', 'of.field_id')
          .select(['f.code', 'f.name'])
          .whereRef('of.organisation_id', '=', 'o.id')
          .orderBy('f.sort_order'),
      ).as('fields'),
      jsonArrayFrom(
        eb
          .selectFrom('listing as l')
          .select(['l.id', 'l.kind', 'l.title', 'l.published_at'])
          .whereRef('l.organisation_id', '=', 'o.id')
          .where('l.status', '=', 'published')
          .where('l.expires_at', '>', now)
          .where('l.confidentiality', '=', 'public')
          .orderBy('l.published_at', 'desc')
          .limit(50),
      ).as('listings'),
    ])
    .where('o.id', '=', id)
    .where('o.verification', '=', 'verified')
    .executeTakeFirst();
}

/** The settings view, found only when the principal is an active member of the organisation. */
export async function settingsFor(db: Kysely<Database>, organisationId: number, principal: SignedIn) {
  const org = await db
    .selectFrom('organisation as o')
    .innerJoin('membership as me', (join) =>
      join
        .onRef('me.organisation_id', '=', 'o.id')
        .on('me.user_id', '=', principal.userId)
        .on('me.status', '=', 'active'),
    )
    .select([
      'o.id',
      'o.name',
      'o.type',
      'o.uscc',
      'o.region',
      'o.verification',
      'o.verification_note',
      'me.role as my_role',
    ])
    .where('o.id', '=', organisationId)
    .executeTakeFirst();
  if (!org) return undefined;
  const [members, invitations] = await Promise.all([
    db
      .selectFrom('membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['u.id as user_id', 'u.display_name', 'u.email', 'm.role', 'm.status', 'm.created_at'])
      .where('m.organisation_id', '=', organisationId)
      .orderBy('m.status')
      .orderBy('m.created_at')
      .execute(),
    org.my_role === 'owner'
      ? db
          .selectFrom('invitation')
          .select(['id', 'email', 'role', 'created_at', 'expires_at'])
          .where('organisation_id', '=', organisationId)
          .where('accepted_at', 'is', null)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', new Date())
          .orderBy('created_at', 'desc')
          .execute()
      : Promise.resolve([]),
  ]);
  return { org, members, invitations };
}

export type SettingsChange =
  | { intent: 'approve'; userId: number }
  | { intent: 'decline'; userId: number }
  | { intent: 'remove'; userId: number }
  | { intent: 'role'; userId: number; role: MembershipRole }
  | { intent: 'invite'; email: string; role: MembershipRole }
  | { intent: 'revoke-invitation'; invitationId: number };

export type SettingsResult =
  | { ok: true; invitationToken?: string }
  | { ok: false; status: 403 | 404 | 409; reason: 'not_owner' | 'not_found' | 'last_owner' };

/** Changes by an owner. Every statement is scoped to the organisation and checked against the principal. */
export async function changeSettings(
  db: Kysely<Database>,
  organisationId: number,
  principal: SignedIn,
  change: SettingsChange,
  ip: string,
): Promise<SettingsResult> {
  return db.transaction().execute(async (trx) => {
    const owner = await trx
      .selectFrom('membership')
      .select('user_id')
      .where('organisation_id', '=', organisationId)
      .where('user_id', '=', principal.userId)
      .where('role', '=', 'owner')
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!owner) return { ok: false, status: 403, reason: 'not_owner' } as const;

    const inOrg = (userId: number) =>
      trx
        .updateTable('membership')
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId);

    let result: SettingsResult = { ok: true };
    switch (change.intent) {
      case 'approve': {
        const r = await inOrg(change.userId)
          .set({ status: 'active' })
          .where('status', '=', 'requested')
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return { ok: false, status: 404, reason: 'not_found' } as const;
        break;
      }
      case 'decline':
      case 'remove': {
        if (change.intent === 'remove' && (await isLastOwner(trx, organisationId, change.userId))) {
          return { ok: false, status: 409, reason: 'last_owner' } as const;
        }
        const r = await trx
          .deleteFrom('membership')
          .where('organisation_id', '=', organisationId)
          .where('user_id', '=', change.userId)
          .$if(change.intent === 'decline', (qb) => qb.where('status', '=', 'requested'))
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) return { ok: false, status: 404, reason: 'not_found' } as const;
        break;
      }
      case 'role': {
        if (change.role === 'member' && (await isLastOwner(trx, organisationId, change.userId))) {
          return { ok: false, status: 409, reason: 'last_owner' } as const;
        }
        const r = await inOrg(change.userId)
          .set({ role: change.role })
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return { ok: false, status: 404, reason: 'not_found' } as const;
        break;
      }
      case 'invite': {
        const token = crypto.randomBytes(24).toString('base64url');
        await trx
          .insertInto('invitation')
          .values({
            organisation_id: organisationId,
            email: change.email,
            role: change.role,
            token_hash: hashToken(token),
            invited_by: principal.userId,
            expires_at: new Date(Date.now() + 14 * 24 * 3600_000),
          })
          .execute();
        result = { ok: true, invitationToken: token };
        break;
      }
      case 'revoke-invitation': {
        const r = await trx
          .updateTable('invitation')
          .set({ revoked_at: new Date() })
          .where('id', '=', change.invitationId)
          .where('organisation_id', '=', organisationId)
          .where('accepted_at', 'is', null)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return { ok: false, status: 404, reason: 'not_found' } as const;
        break;
      }
    }
    await audit(trx, {
      actorUserId: principal.userId,
      ip,
      action: `organisation.${change.intent}`,
      entityType: 'organisation',
      entityId: organisationId,
      details:
        'userId' in change
          ? { userId: change.userId }
          : change.intent === 'invite'
            ? { email: change.email }
            : {},
    });
    return result;
  });
}

async function isLastOwner(db: Kysely<Database>, organisationId: number, userId: number): Promise<boolean> {
  const owners = await db
    .selectFrom('membership')
    .select('user_id')
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'owner')
    .where('status', '=', 'active')
    .execute();
  return owners.length === 1 && owners[0]!.user_id === userId;
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url');
}

export async function findInvitation(db: Kysely<Database>, token: string, now = new Date()) {
  return db
    .selectFrom('invitation as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .select(['i.id', 'i.email', 'i.role', 'i.organisation_id', 'o.name as organisation_name'])
    .where('i.token_hash', '=', hashToken(token))
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', now)
    .executeTakeFirst();
}

/** Accepts an invitation for the signed-in user whose e-mail it was sent to. */
export async function acceptInvitation(
  db: Kysely<Database>,
  token: string,
  principal: SignedIn,
  ip: string,
): Promise<{ ok: true; organisationId: number } | { ok: false; reason: 'not_found' | 'wrong_email' }> {
  return db.transaction().execute(async (trx) => {
    const invitation = await findInvitation(trx, token);
    if (!invitation) return { ok: false, reason: 'not_found' } as const;
    if (invitation.email.toLowerCase() !== principal.email.toLowerCase())
      return { ok: false, reason: 'wrong_email' } as const;
    await trx
      .updateTable('invitation')
      .set({ accepted_at: new Date() })
      .where('id', '=', invitation.id)
      .execute();
    await trx
      .insertInto('membership')
      .values({
        user_id: principal.userId,
        organisation_id: invitation.organisation_id,
        role: invitation.role,
        status: 'active',
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'organisation_id']).doUpdateSet({ status: 'active', role: invitation.role }),
      )
      .execute();
    await audit(trx, {
      actorUserId: principal.userId,
      ip,
      action: 'organisation.invitation_accepted',
      entityType: 'organisation',
      entityId: invitation.organisation_id,
    });
    return { ok: true, organisationId: invitation.organisation_id } as const;
  });
}
