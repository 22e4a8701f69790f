/**
 * CSRF defence for every non-GET request, on top of SameSite=Lax cookies: the Origin header must be the
 * site's own origin; without Origin, Sec-Fetch-Site must say same-origin (or none: typed by the user).
 * A request with neither is refused (every browser we support sends one of them on POST).
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isCrossSiteRequest(input: {
  method: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
  siteOrigin: string;
}): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  if (input.origin) return input.origin !== input.siteOrigin;
  if (input.secFetchSite) return !(input.secFetchSite === 'same-origin' || input.secFetchSite === 'none');
  return true;
}
