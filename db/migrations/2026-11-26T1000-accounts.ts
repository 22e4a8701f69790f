import { type Kysely, sql } from 'kysely';

/*
 * Accounts and the security baseline (issue 3): database sessions, rate-limit counters that hold across
 * processes, organisation invitations. Frozen once landed.
 */
const statements = [
  // The cookie carries a random id; only its SHA-256 is stored, so a leaked table does not yield sessions.
  `create table session (
     id_hash text primary key,
     user_id integer not null references app_user (id) on delete cascade,
     created_at timestamptz not null default now(),
     last_seen_at timestamptz not null default now(),
     expires_at timestamptz not null,
     revoked_at timestamptz,
     revoked_reason text,
     ip text,
     user_agent text
   )`,
  // Serves: "end all sessions of user X" (logout everywhere, password change, disable, admin action) and the
  // account page's list of active sessions.
  `create index session_user_idx on session (user_id) where revoked_at is null`,
  `comment on index session_user_idx is 'active sessions of one user (revoke all, account page)'`,
  // Serves: the periodic clean-up of expired sessions.
  `create index session_expires_idx on session (expires_at)`,
  `comment on index session_expires_idx is 'purge of expired sessions'`,

  // Fixed-window counters: key = 'login:ip:1.2.3.4' etc., one row per key and window.
  `create table rate_limit (
     key text not null,
     window_start timestamptz not null,
     hits integer not null default 0,
     primary key (key, window_start)
   )`,
  // Serves: the purge of old windows.
  `create index rate_limit_window_idx on rate_limit (window_start)`,
  `comment on index rate_limit_window_idx is 'purge of old rate-limit windows'`,

  `create table invitation (
     id integer generated always as identity primary key,
     organisation_id integer not null references organisation (id) on delete cascade,
     email text not null,
     role text not null check (role in ('owner', 'member')),
     token_hash text not null unique,
     invited_by integer not null references app_user (id),
     created_at timestamptz not null default now(),
     expires_at timestamptz not null,
     accepted_at timestamptz,
     revoked_at timestamptz
   )`,
  // Serves: the organisation settings page "open invitations of organisation X".
  `create index invitation_organisation_idx on invitation (organisation_id) where accepted_at is null and revoked_at is null`,
  `comment on index invitation_organisation_idx is 'open invitations of an organisation'`,

  // Serves: the audit page filtered by action (login failures, denials, admin actions).
  `create index audit_log_action_idx on audit_log (action, at desc)`,
  `comment on index audit_log_action_idx is 'audit page filtered by action'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop index if exists audit_log_action_idx').execute(db);
  for (const table of ['invitation', 'rate_limit', 'session']) {
    await sql.raw(`drop table if exists ${table} cascade`).execute(db);
  }
}
