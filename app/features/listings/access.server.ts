import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Principal } from '../accounts/permissions.ts';
import { canSeeDetail, type ListingViewer } from './rules.ts';

/** What a signed-in principal (or an anonymous visitor) may see of listings' detail tiers. */
export function viewerOf(principal: Principal | null): ListingViewer {
  if (!principal) return { verifiedMember: false, staffOrManager: false };
  return {
    verifiedMember: principal.memberships.some((m) => m.verified),
    staffOrManager: principal.platformRoles.length > 0,
  };
}

export function isStaff(principal: Principal | null): boolean {
  return Boolean(principal?.platformRoles.some((r) => r === 'bureau_admin' || r === 'bureau_reviewer'));
}

/**
 * May this principal see the detail tier (detail text, attachments …) of listing X?
 * - members of the owning organisation: always, in any state;
 * - bureau staff: always (they review it);
 * - everyone else: only while it is live, and only as its confidentiality allows.
 */
export async function canSeeListingDetail(
  db: Kysely<Database>,
  listingId: number,
  principal: Principal | null,
  now = new Date(),
): Promise<boolean> {
  const listing = await db
    .selectFrom('listing')
    .select(['organisation_id', 'status', 'expires_at', 'confidentiality'])
    .where('id', '=', listingId)
    .executeTakeFirst();
  if (!listing) return false;
  if (principal?.memberships.some((m) => m.organisationId === listing.organisation_id)) return true;
  if (isStaff(principal)) return true;
  const live =
    listing.status === 'published' && listing.expires_at !== null && new Date(listing.expires_at) > now;
  return live && canSeeDetail(listing.confidentiality, viewerOf(principal));
}
