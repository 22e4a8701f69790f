import type { ListingStatus } from '../../../db/schema.ts';

/*
 * The listing life cycle as a pure state machine (docs/decisions/0005-listing-life-cycle.md).
 *   draft → submitted → published (expires_at) | rejected (reason) → (fixed) submitted …
 *   published → renewed (published, new expires_at) | expired (worker) | withdrawn
 *   expired → renewed; withdrawn → submitted (listed again after review)
 * Who may do what: owner = an active member of the owning organisation; reviewer = bureau staff.
 */
export type ListingAction = 'submit' | 'approve' | 'reject' | 'renew' | 'withdraw' | 'expire';
export type Actor = 'owner' | 'reviewer' | 'system';

const TRANSITIONS: Record<ListingStatus, Partial<Record<ListingAction, ListingStatus>>> = {
  draft: { submit: 'submitted', withdraw: 'withdrawn' },
  submitted: { approve: 'published', reject: 'rejected', withdraw: 'withdrawn' },
  rejected: { submit: 'submitted', withdraw: 'withdrawn' },
  published: { renew: 'published', withdraw: 'withdrawn', expire: 'expired' },
  expired: { renew: 'published', withdraw: 'withdrawn' },
  withdrawn: { submit: 'submitted' },
};

const ACTORS: Record<ListingAction, Actor> = {
  submit: 'owner',
  renew: 'owner',
  withdraw: 'owner',
  approve: 'reviewer',
  reject: 'reviewer',
  expire: 'system',
};

export function nextStatus(from: ListingStatus, action: ListingAction): ListingStatus | null {
  return TRANSITIONS[from][action] ?? null;
}

export function actorOf(action: ListingAction): Actor {
  return ACTORS[action];
}

/** Actions an owner can take now (buttons on 我的发布). */
export function ownerActions(status: ListingStatus): ListingAction[] {
  return (Object.keys(TRANSITIONS[status]) as ListingAction[]).filter((a) => ACTORS[a] === 'owner');
}

/**
 * Fields whose change sends a published listing back to review: what the listing claims (title, fields,
 * targets and indicators, TRL, patents), what it costs, and who may read it. Everything else (summary and
 * detail wording, keywords, team, contacts, dates) is a wording fix and stays published.
 */
export const REVIEWED_FIELDS = [
  'title',
  'fieldCodes',
  'indicators',
  'innovation_points',
  'trl',
  'patent_numbers',
  'budget_min_wan',
  'budget_max_wan',
  'price_wan',
  'price_negotiable',
  'investment_wan',
  'confidentiality',
] as const;
export type ReviewedField = (typeof REVIEWED_FIELDS)[number];

export type ReviewedSnapshot = Partial<Record<ReviewedField, unknown>>;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The reviewed fields that differ between two snapshots (for re-review and the reviewer's side-by-side view). */
export function changedReviewedFields(
  before: ReviewedSnapshot | null,
  after: ReviewedSnapshot,
): ReviewedField[] {
  if (!before) return [];
  return REVIEWED_FIELDS.filter((f) => !same(before[f], after[f]));
}

/** The status after an edit: a published listing whose reviewed fields changed goes back to review. */
export function statusAfterEdit(status: ListingStatus, changed: readonly ReviewedField[]): ListingStatus {
  return status === 'published' && changed.length > 0 ? 'submitted' : status;
}

export const DAY_MS = 86_400_000;

export function expiryFrom(now: Date, ttlDays: number): Date {
  return new Date(now.getTime() + ttlDays * DAY_MS);
}
