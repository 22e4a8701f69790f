import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** The Database interface: table name → table interface. Results are Selectable<T>. */
export interface Database {
  field: FieldTable;
  organisation: OrganisationTable;
  organisation_field: OrganisationFieldTable;
  app_user: AppUserTable;
  membership: MembershipTable;
  platform_role: PlatformRoleTable;
  manager_profile: ManagerProfileTable;
  listing: ListingTable;
  listing_field: ListingFieldTable;
  listing_event: ListingEventTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  session: SessionTable;
  rate_limit: RateLimitTable;
  invitation: InvitationTable;
  attachment: AttachmentTable;
  notice: NoticeTable;
  search_document: SearchDocumentTable;
  search_term: SearchTermTable;
  edition: EditionTable;
  edition_entry: EditionEntryTable;
  edition_erratum: EditionErratumTable;
  subscription: SubscriptionTable;
  edition_delivery: EditionDeliveryTable;
  interest: InterestTable;
  match: MatchTable;
  match_event: MatchEventTable;
  match_activity: MatchActivityTable;
  notification_pref: NotificationPrefTable;
  mkj_sync: MkjSyncTable;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A timestamp with a database default that may be set later (updated_at, last_seen_at). */
type TimestampWithDefault = ColumnType<Date, Date | string | undefined, Date | string>;
/** `date` columns come back as 'YYYY-MM-DD' strings (see the type parsers in db/client.ts). */
type DateOnly = string;
/** numeric columns come back as numbers (万元 amounts; see db/client.ts). */
type Numeric = ColumnType<number, number | string, number | string>;

/*
 * Allowed values of the coded columns. The CHECK constraints in the migrations hold the same lists;
 * labels shown to people live in app/i18n/zh-CN.ts.
 */
export const CHAIN_ACTIONS = ['strengthen', 'build', 'layout'] as const;
export const ORGANISATION_TYPES = ['enterprise', 'university', 'institute', 'agency', 'public_body'] as const;
export const GROWTH_TIERS = ['tech_sme', 'high_tech', 'leading', 'specialised', 'little_giant'] as const;
export const VERIFICATIONS = ['pending', 'verified', 'rejected'] as const;
export const LISTING_KINDS = ['demand', 'achievement', 'scenario'] as const;
export const LISTING_STATUSES = [
  'draft',
  'submitted',
  'published',
  'rejected',
  'expired',
  'withdrawn',
] as const;
export const CONFIDENTIALITIES = ['public', 'members', 'staff'] as const;
export const PLATFORM_ROLES = ['bureau_admin', 'bureau_reviewer', 'manager'] as const;
export const MEMBERSHIP_ROLES = ['owner', 'member'] as const;
export const DEMAND_TYPES = ['research', 'process', 'product', 'testing', 'transfer', 'consulting'] as const;
export const ACHIEVEMENT_TYPES = [
  'invention_patent',
  'utility_model',
  'software',
  'plant_variety',
  'know_how',
  'process',
  'material',
  'equipment',
  'other',
] as const;
export const SCENARIO_TYPES = ['production', 'government', 'urban', 'livelihood'] as const;
/** One vocabulary for a demand's cooperation modes and an achievement's transfer modes (matching compares them). */
export const MODES = [
  'transfer',
  'license',
  'equity',
  'joint_development',
  'commissioned',
  'service',
  'consulting',
  'self',
] as const;
export const MANAGER_GRADES = ['junior', 'intermediate', 'senior'] as const;

export type ChainAction = (typeof CHAIN_ACTIONS)[number];
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];
export type GrowthTier = (typeof GROWTH_TIERS)[number];
export type Verification = (typeof VERIFICATIONS)[number];
export type ListingKind = (typeof LISTING_KINDS)[number];
export type ListingStatus = (typeof LISTING_STATUSES)[number];
export type Confidentiality = (typeof CONFIDENTIALITIES)[number];
export type PlatformRole = (typeof PLATFORM_ROLES)[number];
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];
export type DemandType = (typeof DEMAND_TYPES)[number];
export type AchievementType = (typeof ACHIEVEMENT_TYPES)[number];
export type ScenarioType = (typeof SCENARIO_TYPES)[number];
export type Mode = (typeof MODES)[number];
export type ManagerGrade = (typeof MANAGER_GRADES)[number];

export interface FieldTable {
  id: Generated<number>;
  code: string;
  name: string;
  chain_action: ChainAction;
  sort_order: Generated<number>;
  active: Generated<boolean>;
}

export interface OrganisationTable {
  id: Generated<number>;
  type: OrganisationType;
  name: string;
  short_name: string | null;
  uscc: string | null;
  region: string;
  address: string | null;
  website: string | null;
  description: Generated<string>;
  growth_tiers: Generated<GrowthTier[]>;
  agency_rating: 'level1' | 'level2' | null;
  verification: Generated<Verification>;
  verification_note: string | null;
  verified_at: Timestamp | null;
  mkj_id: string | null;
  mkj_url: string | null;
  created_at: CreatedAt;
  updated_at: TimestampWithDefault;
}

export interface OrganisationFieldTable {
  organisation_id: number;
  field_id: number;
}

export interface AppUserTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  phone: string | null;
  password_hash: string | null;
  status: Generated<'active' | 'disabled'>;
  created_at: CreatedAt;
  updated_at: TimestampWithDefault;
}

export interface MembershipTable {
  user_id: number;
  organisation_id: number;
  role: MembershipRole;
  status: Generated<'active' | 'requested' | 'invited'>;
  created_at: CreatedAt;
}

export interface PlatformRoleTable {
  user_id: number;
  role: PlatformRole;
  granted_at: CreatedAt;
  granted_by: number | null;
}

export interface ManagerProfileTable {
  user_id: number;
  grade: ManagerGrade;
  certificate_no: string;
  agency_id: number | null;
  field_ids: Generated<number[]>;
  bio: Generated<string>;
}

export interface ListingTable {
  id: Generated<number>;
  kind: ListingKind;
  status: Generated<ListingStatus>;
  organisation_id: number;
  created_by: number | null;
  title: string;
  summary: string;
  detail: Generated<string>;
  keywords: Generated<string[]>;
  region: string;
  confidentiality: Generated<Confidentiality>;
  demand_type: DemandType | null;
  indicators: string | null;
  budget_min_wan: Numeric | null;
  budget_max_wan: Numeric | null;
  deadline: DateOnly | null;
  cooperation_modes: Generated<Mode[]>;
  ip_expectation: string | null;
  achievement_type: AchievementType | null;
  innovation_points: Generated<string[]>;
  patent_numbers: Generated<string[]>;
  trl: number | null;
  transfer_modes: Generated<Mode[]>;
  price_wan: Numeric | null;
  price_negotiable: Generated<boolean>;
  team: string | null;
  advantages: string | null;
  scenario_type: ScenarioType | null;
  issuing_unit: string | null;
  location: string | null;
  expected_tech: string | null;
  investment_wan: Numeric | null;
  first_trial: Generated<boolean>;
  period_start: DateOnly | null;
  period_end: DateOnly | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  submitted_at: Timestamp | null;
  published_at: Timestamp | null;
  expires_at: Timestamp | null;
  rejection_reason: string | null;
  mkj_id: string | null;
  mkj_url: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: TimestampWithDefault;
  reminder_sent_at: Timestamp | null;
  approved_snapshot: Record<string, unknown> | null;
}

export interface ListingFieldTable {
  listing_id: number;
  field_id: number;
}

export interface ListingEventTable {
  id: Generated<string>;
  listing_id: number;
  type: string;
  from_status: string | null;
  to_status: string | null;
  actor_user_id: number | null;
  note: string | null;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: CreatedAt;
  actor_user_id: number | null;
  ip: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  outcome: Generated<'success' | 'failure' | 'denied'>;
  details: Generated<Record<string, unknown>>;
}

export interface OutboxTable {
  id: Generated<string>;
  topic: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: Generated<Record<string, unknown>>;
  created_at: CreatedAt;
  available_at: TimestampWithDefault;
  attempts: Generated<number>;
  last_error: string | null;
  processed_at: Timestamp | null;
}

export interface SessionTable {
  id_hash: string;
  user_id: number;
  created_at: CreatedAt;
  last_seen_at: TimestampWithDefault;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface RateLimitTable {
  key: string;
  window_start: Timestamp;
  hits: Generated<number>;
}

export interface InvitationTable {
  id: Generated<number>;
  organisation_id: number;
  email: string;
  role: MembershipRole;
  token_hash: string;
  invited_by: number;
  created_at: CreatedAt;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export const ATTACHMENT_MIME_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AttachmentMimeType = (typeof ATTACHMENT_MIME_TYPES)[number];

export interface AttachmentTable {
  id: Generated<number>;
  listing_id: number;
  storage_name: string;
  original_name: string;
  mime_type: AttachmentMimeType;
  size_bytes: number;
  sha256: string;
  uploaded_by: number | null;
  created_at: CreatedAt;
}

export interface NoticeTable {
  id: Generated<string>;
  user_id: number;
  kind: string;
  title: string;
  body: Generated<string>;
  link: string | null;
  created_at: CreatedAt;
  read_at: Timestamp | null;
}

/** The embedded search engine's derived tables (search/postgres.ts). */
export interface SearchDocumentTable {
  listing_id: number;
  kind: ListingKind;
  doc: Record<string, unknown>;
  tsv: string;
  field_codes: string[];
  region: string;
  trl: number | null;
  modes: string[];
  amount_wan: Numeric | null;
  published_at: Timestamp;
  expires_at: Timestamp;
  indexed_at: TimestampWithDefault;
}

export interface SearchTermTable {
  term: string;
  docs: Generated<number>;
}

export const EDITION_STATUSES = ['draft', 'scheduled', 'published'] as const;
export type EditionStatus = (typeof EDITION_STATUSES)[number];
/** 需求清单 (demands and scenarios) and 供给清单 (achievements). */
export const EDITION_SECTIONS = ['demand', 'supply'] as const;
export type EditionSection = (typeof EDITION_SECTIONS)[number];

export interface EditionTable {
  id: Generated<number>;
  year: number;
  number: number;
  title: string;
  period_start: DateOnly | null;
  period_end: DateOnly | null;
  introduction: Generated<string>;
  status: Generated<EditionStatus>;
  scheduled_at: Timestamp | null;
  scheduled_by: number | null;
  published_at: Timestamp | null;
  published_by: number | null;
  created_by: number | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: TimestampWithDefault;
}

export interface EditionEntryTable {
  id: Generated<number>;
  edition_id: number;
  listing_id: number;
  section: EditionSection;
  chain_action: ChainAction;
  field_id: number | null;
  position: number;
  note: Generated<string>;
  added_by: number | null;
  added_at: CreatedAt;
  /** The public fields as published (a SearchDocument, search/engine.ts); null while the edition is a draft. */
  snapshot: Record<string, unknown> | null;
}

export interface EditionErratumTable {
  id: Generated<number>;
  edition_id: number;
  body: string;
  published_by: number | null;
  published_at: CreatedAt;
}

export interface SubscriptionTable {
  id: Generated<number>;
  email: string;
  user_id: number | null;
  status: Generated<'pending' | 'active' | 'unsubscribed'>;
  confirm_token_hash: string | null;
  confirm_expires_at: Timestamp | null;
  unsubscribe_token: string;
  created_at: CreatedAt;
  confirmed_at: Timestamp | null;
  unsubscribed_at: Timestamp | null;
}

export interface EditionDeliveryTable {
  edition_id: number;
  subscription_id: number;
  queued_at: CreatedAt;
}

export const INTEREST_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;
export type InterestStatus = (typeof INTEREST_STATUSES)[number];
/** 不符合需求, 技术不成熟, 价格不合适, 已有合作方, 信息不足, 其他. */
export const DECLINE_REASONS = [
  'not_fit',
  'immature',
  'price',
  'has_partner',
  'insufficient_info',
  'other',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];
/** The match (对接) states; transitions in app/features/matching/match-state.ts. */
export const MATCH_STATES = [
  'proposed',
  'accepted',
  'negotiating',
  'contract_signed',
  'registered',
  'in_execution',
  'closed',
  'declined',
  'withdrawn',
] as const;
export type MatchState = (typeof MATCH_STATES)[number];
export const MATCH_ACTORS = ['party', 'manager', 'staff', 'system'] as const;
export type MatchActor = (typeof MATCH_ACTORS)[number];
/** 民法典 technology contract categories: 技术开发 / 技术转让 / 技术许可 / 技术咨询 / 技术服务. */
export const CONTRACT_TYPES = ['development', 'transfer', 'license', 'consulting', 'service'] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];
export const ACTIVITY_KINDS = ['call', 'visit', 'meeting', 'document', 'other'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface InterestTable {
  id: Generated<number>;
  listing_id: number;
  requester_user_id: number;
  requester_org_id: number;
  message: string;
  status: Generated<InterestStatus>;
  respond_by: Timestamp;
  reminded_at: Timestamp | null;
  overdue_flagged_at: Timestamp | null;
  responded_at: Timestamp | null;
  responded_by: number | null;
  decline_code: DeclineReason | null;
  decline_text: string | null;
  created_at: CreatedAt;
  version: Generated<number>;
}

/** States, actions and contract types: app/features/matching/match-state.ts and interest-rules.ts. */
export interface MatchTable {
  id: Generated<number>;
  state: MatchState;
  source: 'interest' | 'manager';
  interest_id: number | null;
  need_listing_id: number | null;
  offer_listing_id: number | null;
  need_org_id: number;
  offer_org_id: number;
  need_accepted_at: Timestamp | null;
  offer_accepted_at: Timestamp | null;
  proposed_by: number | null;
  manager_user_id: number | null;
  contract_type: ContractType | null;
  contract_amount_wan: Numeric | null;
  contract_signed_on: DateOnly | null;
  registration_no: string | null;
  certified_amount_wan: Numeric | null;
  registered_on: DateOnly | null;
  registration_office: string | null;
  end_reason_code: DeclineReason | null;
  end_reason_text: string | null;
  mkj_id: string | null;
  mkj_url: string | null;
  created_at: CreatedAt;
  updated_at: TimestampWithDefault;
  version: Generated<number>;
}

export interface MatchEventTable {
  id: Generated<string>;
  match_id: number;
  type: string;
  from_state: string | null;
  to_state: string | null;
  actor_user_id: number | null;
  actor_role: MatchActor;
  note: string | null;
  created_at: CreatedAt;
}

export interface MatchActivityTable {
  id: Generated<number>;
  match_id: number;
  user_id: number;
  kind: ActivityKind;
  minutes: number;
  occurred_on: DateOnly;
  note: string;
  created_at: CreatedAt;
}

/** A person's mail preference for one notification kind; no row = the kind's default (features/notifications). */
export interface NotificationPrefTable {
  user_id: number;
  kind: string;
  mail: boolean;
  updated_at: TimestampWithDefault;
}

/** 蒙科聚 push sync (app/features/mkj/sync.server.ts): a contract is a match with a registered contract. */
export const MKJ_SYNC_ENTITIES = ['organisation', 'listing', 'contract'] as const;
export type MkjSyncEntity = (typeof MKJ_SYNC_ENTITIES)[number];
export const MKJ_SYNC_STATUSES = ['pending', 'synced', 'failed'] as const;
export type MkjSyncStatus = (typeof MKJ_SYNC_STATUSES)[number];

export interface MkjSyncTable {
  entity_type: MkjSyncEntity;
  entity_id: number;
  status: Generated<MkjSyncStatus>;
  /** Failed attempts since the record was last accepted (0 once synced). */
  attempts: Generated<number>;
  last_error: string | null;
  last_attempt_at: Timestamp | null;
  synced_at: Timestamp | null;
  remote_id: string | null;
  /** SHA-256 (hex) of the last body 蒙科聚 accepted. */
  payload_hash: string | null;
}

export type Field = Selectable<FieldTable>;
export type Organisation = Selectable<OrganisationTable>;
export type NewOrganisation = Insertable<OrganisationTable>;
export type Listing = Selectable<ListingTable>;
export type NewListing = Insertable<ListingTable>;
export type ListingUpdate = Updateable<ListingTable>;
export type AppUser = Selectable<AppUserTable>;

/** The kind-specific listing columns. */
type KindColumn =
  | 'demand_type'
  | 'budget_min_wan'
  | 'budget_max_wan'
  | 'deadline'
  | 'cooperation_modes'
  | 'ip_expectation'
  | 'achievement_type'
  | 'innovation_points'
  | 'patent_numbers'
  | 'trl'
  | 'transfer_modes'
  | 'price_wan'
  | 'price_negotiable'
  | 'team'
  | 'advantages'
  | 'scenario_type'
  | 'issuing_unit'
  | 'location'
  | 'expected_tech'
  | 'investment_wan'
  | 'first_trial'
  | 'period_start'
  | 'period_end';

/**
 * Every kind-specific column at its empty value. A listing spreads this and then sets its own kind's columns:
 * the CHECK constraints demand the other kinds' columns empty (decision 0002).
 */
export function emptyKindColumns() {
  return {
    demand_type: null,
    budget_min_wan: null,
    budget_max_wan: null,
    deadline: null,
    cooperation_modes: [] as Mode[],
    ip_expectation: null,
    achievement_type: null,
    innovation_points: [] as string[],
    patent_numbers: [] as string[],
    trl: null,
    transfer_modes: [] as Mode[],
    price_wan: null,
    price_negotiable: false as boolean,
    team: null,
    advantages: null,
    scenario_type: null,
    issuing_unit: null,
    location: null,
    expected_tech: null,
    investment_wan: null,
    first_trial: false as boolean,
    period_start: null,
    period_end: null,
  } satisfies Required<Pick<NewListing, KindColumn>>;
}
