/** PostgreSQL error codes the app turns into clear refusals (same codes from pg and PGlite). */

/** A unique constraint or unique index refused the row (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
