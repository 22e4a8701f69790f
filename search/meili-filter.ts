import type { SearchQuery } from './engine.ts';

/*
 * The Meilisearch filter, built without I/O so it can be unit tested. Every value, whatever its origin, goes
 * through filterValue(): that is the only place where user input meets the filter syntax.
 *
 * Meilisearch reads a double-quoted value up to the first `"` that is not preceded by a backslash, then
 * unescapes it (`\"` → `"`, `\\` → `\`). Escaping backslashes first and double quotes second therefore gives
 * a value that always ends at our closing quote and round-trips exactly: `x\" OR kind = "a` stays one value.
 */

/** A value for a Meilisearch filter: finite numbers as they are, strings double-quoted and escaped. */
export function filterValue(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`Not a finite number for a filter: ${value}`);
    return String(value);
  }
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `attribute IN [v1, v2]`: any of the values (OR inside one facet). */
function anyOf(attribute: string, values: readonly string[]): string {
  return `${attribute} IN [${values.map(filterValue).join(', ')}]`;
}

function isNumber(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}

/**
 * The filter of a query as AND clauses (Meilisearch combines the array elements with AND). The first clause
 * always hides expired documents; `now` in milliseconds. Values that cannot be numbers are ignored here (the
 * routes reject them before).
 */
export function buildFilter(query: SearchQuery, now: number): string[] {
  const clauses = [`expires_at_ts > ${filterValue(now)}`];
  if (query.kind) clauses.push(`kind = ${filterValue(query.kind)}`);
  const fields = (query.fields ?? []).filter((f) => f !== '');
  if (fields.length > 0) clauses.push(anyOf('field_codes', fields));
  if (query.region) clauses.push(`region = ${filterValue(query.region)}`);
  const modes = (query.modes ?? []).filter((m) => m !== '');
  if (modes.length > 0) clauses.push(anyOf('modes', modes));
  if (isNumber(query.trlMin)) clauses.push(`trl >= ${filterValue(query.trlMin)}`);
  if (isNumber(query.trlMax)) clauses.push(`trl <= ${filterValue(query.trlMax)}`);
  if (isNumber(query.budgetMin)) clauses.push(`amount_wan >= ${filterValue(query.budgetMin)}`);
  if (isNumber(query.budgetMax)) clauses.push(`amount_wan <= ${filterValue(query.budgetMax)}`);
  if (query.publishedAfter) {
    const after = Date.parse(query.publishedAfter);
    if (Number.isFinite(after)) clauses.push(`published_at_ts >= ${filterValue(after)}`);
  }
  return clauses;
}
