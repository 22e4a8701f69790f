/**
 * The authorisation matrix: every route × every role → what must happen. One table; the unit test
 * tests/unit/authorization-matrix.test.ts fails when a route file has no entry here, and the e2e test
 * tests/e2e/authorization.spec.ts requests every cell against the built server.
 */
export const ROLES = [
  'anonymous',
  'noOrg', // signed in, membership only requested (no active organisation)
  'memberA', // member of verified organisation A
  'ownerA', // owner of verified organisation A
  'ownerB', // owner of another verified organisation B
  'pendingOwner', // owner of an organisation awaiting verification
  'manager',
  'reviewer',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** allow 200 · login 302 to /login · away 302 elsewhere · deny 403 · missing 404 */
export type Outcome = 'allow' | 'login' | 'away' | 'deny' | 'missing';

export interface Ids {
  listingId: number;
  orgA: number;
  invitationToken: string;
  pendingOrg: number;
  /** A public, published listing of organisation A, with one attachment uploaded by its owner. */
  listingOfA: number;
  attachmentOfA: number;
  /** A published edition's path, e.g. /lists/2026/1 (seeded). */
  editionPath: string;
  /** Any edition on the bureau's list. */
  editionId: number;
}

export interface RouteEntry {
  /** The URL requested for this route (GET). */
  url: (ids: Ids) => string;
  expect: Record<Role, Outcome>;
  /** For routes with an action: a POST with an incomplete form; 'allow' then means 400 (validation ran). */
  post?: { form: Record<string, string>; expect: Record<Role, Outcome> };
}

const everyone = (outcome: Outcome): Record<Role, Outcome> =>
  Object.fromEntries(ROLES.map((r) => [r, outcome])) as Record<Role, Outcome>;
const signedIn = (outcome: Outcome, anonymous: Outcome = 'login'): Record<Role, Outcome> => ({
  ...everyone(outcome),
  anonymous,
});
const only = (allowed: Role[], otherwise: Outcome = 'deny'): Record<Role, Outcome> => ({
  ...everyone(otherwise),
  anonymous: 'login',
  ...Object.fromEntries(allowed.map((r) => [r, 'allow' as const])),
});

/** Members of a verified organisation (the bureau and the managers' agencies are verified organisations too). */
const POSTERS: Role[] = ['memberA', 'ownerA', 'ownerB', 'manager', 'reviewer', 'admin'];

export const MATRIX: Record<string, RouteEntry> = {
  _index: { url: () => '/', expect: everyone('allow') },
  $: { url: () => '/no-such-page', expect: everyone('missing') },
  'api.$': { url: () => '/api/v1/no-such-thing', expect: everyone('missing') },
  'api.v1.listings._index': { url: () => '/api/v1/listings', expect: everyone('allow') },
  'api.v1.listings.$id': { url: (ids) => `/api/v1/listings/${ids.listingId}`, expect: everyone('allow') },
  demands: { url: () => '/demands', expect: everyone('allow') },
  achievements: { url: () => '/achievements', expect: everyone('allow') },
  scenarios: { url: () => '/scenarios', expect: everyone('allow') },
  'listings.$id': {
    url: (ids) => `/listings/${ids.listingId}`,
    expect: everyone('allow'),
    // Expressing interest: members of verified organisations; the empty message is refused (400).
    post: { form: { message: '' }, expect: only(POSTERS) },
  },
  'lists._index': { url: () => '/lists', expect: everyone('allow') },
  'lists.$year.$number._index': { url: (ids) => ids.editionPath, expect: everyone('allow') },
  'lists.$year.$number.print': { url: (ids) => `${ids.editionPath}/print`, expect: everyone('allow') },
  'lists.$year.$number.edition[.]xlsx': {
    url: (ids) => `${ids.editionPath}/edition.xlsx`,
    expect: everyone('allow'),
  },
  'lists.$year.$number.edition[.]csv': {
    url: (ids) => `${ids.editionPath}/edition.csv`,
    expect: everyone('allow'),
  },
  'lists.$year.$number.edition[.]json': {
    url: (ids) => `${ids.editionPath}/edition.json`,
    expect: everyone('allow'),
  },
  'lists.feed[.]atom': { url: () => '/lists/feed.atom', expect: everyone('allow') },
  'bureau.editions._index': {
    url: () => '/bureau/editions',
    expect: only(['reviewer', 'admin']),
    post: { form: { title: '' }, expect: only(['reviewer', 'admin']) },
  },
  'bureau.editions.$id._index': {
    url: (ids) => `/bureau/editions/${ids.editionId}`,
    expect: only(['reviewer', 'admin']),
    post: { form: { intent: 'nothing' }, expect: only(['reviewer', 'admin']) },
  },
  'bureau.editions.$id.preview': {
    url: (ids) => `/bureau/editions/${ids.editionId}/preview`,
    expect: only(['reviewer', 'admin']),
  },
  login: {
    url: () => '/login',
    expect: signedIn('away', 'allow'),
    // Signed-in people are sent to their account before a form renders (the loader runs after the action).
    post: { form: { email: '' }, expect: signedIn('away', 'allow') },
  },
  register: {
    url: () => '/register',
    expect: signedIn('away', 'allow'),
    post: { form: { mode: 'new' }, expect: signedIn('away', 'allow') },
  },
  logout: { url: () => '/logout', expect: everyone('away') },
  'account._index': {
    url: () => '/account',
    expect: signedIn('allow'),
    post: { form: { intent: 'nothing' }, expect: signedIn('allow') },
  },
  'account.password': {
    url: () => '/account/password',
    expect: signedIn('allow'),
    post: { form: { currentPassword: '' }, expect: signedIn('allow') },
  },
  'account.sessions': { url: () => '/account/sessions', expect: signedIn('allow') },
  'account.notices': {
    url: () => '/account/notices',
    expect: signedIn('allow'),
    post: { form: { intent: 'nothing' }, expect: signedIn('allow') },
  },
  'account.notifications': {
    url: () => '/account/notifications',
    expect: signedIn('allow'),
    post: { form: { intent: 'nothing' }, expect: signedIn('allow') },
  },
  'orgs.$id._index': { url: (ids) => `/orgs/${ids.orgA}`, expect: everyone('allow') },
  'orgs.$id.settings': {
    url: (ids) => `/orgs/${ids.orgA}/settings`,
    expect: only(['memberA', 'ownerA']),
    post: { form: { intent: 'invite', email: 'x' }, expect: only(['ownerA']) },
  },
  'invitations.$token': { url: (ids) => `/invitations/${ids.invitationToken}`, expect: everyone('allow') },
  'bureau._index': { url: () => '/bureau', expect: only(['reviewer', 'admin']) },
  'bureau.organisations._index': { url: () => '/bureau/organisations', expect: only(['reviewer', 'admin']) },
  'bureau.organisations.$id': {
    url: (ids) => `/bureau/organisations/${ids.pendingOrg}`,
    expect: only(['reviewer', 'admin']),
    post: { form: { decision: 'rejected' }, expect: only(['reviewer', 'admin']) },
  },
  'bureau.users': {
    url: () => '/bureau/users',
    expect: only(['admin']),
    post: { form: { intent: 'disable' }, expect: only(['admin']) },
  },
  'bureau.audit': { url: () => '/bureau/audit', expect: only(['admin']) },
  'my.listings._index': {
    url: () => '/my/listings',
    expect: signedIn('allow'),
    post: { form: { intent: 'submit', id: 'abc' }, expect: only(POSTERS) },
  },
  'matches._index': { url: () => '/matches', expect: signedIn('allow') },
  'matches.$id': {
    url: () => '/matches/999999',
    // No such match (and nobody may see another's): 404 for everyone signed in.
    expect: signedIn('missing'),
    post: { form: { intent: 'nothing' }, expect: signedIn('allow') },
  },
  'manager._index': {
    url: () => '/manager',
    expect: only(['manager', 'reviewer', 'admin']),
    post: { form: { need: '' }, expect: only(['manager', 'reviewer', 'admin']) },
  },
  'bureau.matching': { url: () => '/bureau/matching', expect: only(['reviewer', 'admin']) },
  statistics: { url: () => '/statistics', expect: everyone('allow') },
  'bureau.dashboard': { url: () => '/bureau/dashboard', expect: only(['reviewer', 'admin']) },
  'bureau.dashboard.evaluation[.]xlsx': {
    url: () => '/bureau/dashboard/evaluation.xlsx',
    expect: only(['reviewer', 'admin']),
  },
  'bureau.mkj.sync': {
    url: () => '/bureau/mkj/sync',
    expect: only(['reviewer', 'admin']),
    post: { form: { intent: 'nothing' }, expect: only(['reviewer', 'admin']) },
  },
  'my.interests': {
    url: () => '/my/interests',
    expect: signedIn('allow'),
    post: { form: { intent: 'nothing' }, expect: signedIn('allow') },
  },
  'my.listings.new': {
    url: () => '/my/listings/new?kind=demand',
    expect: only(POSTERS),
    post: { form: { title: '' }, expect: only(POSTERS) },
  },
  'my.listings.$id': {
    url: (ids) => `/my/listings/${ids.listingOfA}`,
    expect: only(['memberA', 'ownerA']),
    post: { form: { intent: 'save' }, expect: only(['memberA', 'ownerA']) },
  },
  'bureau.review._index': { url: () => '/bureau/review', expect: only(['reviewer', 'admin']) },
  'bureau.review.$id': {
    url: (ids) => `/bureau/review/${ids.listingOfA}`,
    expect: only(['reviewer', 'admin']),
    post: { form: { intent: 'nothing' }, expect: only(['reviewer', 'admin']) },
  },
  'lists.subscribe._index': {
    url: () => '/lists/subscribe',
    expect: everyone('allow'),
    post: { form: { email: '' }, expect: everyone('allow') },
  },
  // Well-formed tokens that name no subscription: the pages and their POSTs answer 404.
  'lists.subscribe.confirm.$token': {
    url: () => `/lists/subscribe/confirm/${'A'.repeat(43)}`,
    expect: everyone('missing'),
    post: { form: {}, expect: everyone('missing') },
  },
  'lists.unsubscribe.$token': {
    url: () => `/lists/unsubscribe/${'A'.repeat(43)}`,
    expect: everyone('missing'),
    post: { form: {}, expect: everyone('missing') },
  },
  // 蒙科聚 import/export (bureau staff). The POST without a file or import id is refused (400).
  'bureau.mkj._index': {
    url: () => '/bureau/mkj',
    expect: only(['reviewer', 'admin']),
    post: { form: { intent: 'apply' }, expect: only(['reviewer', 'admin']) },
  },
  'bureau.mkj.export.$what': {
    url: () => '/bureau/mkj/export/listings?format=csv',
    expect: only(['reviewer', 'admin']),
  },
  search: { url: () => '/search?q=乳', expect: everyone('allow') },
  'api.v1.search': { url: () => '/api/v1/search?q=乳', expect: everyone('allow') },
  'listings.$id.attachments.$attachmentId': {
    url: (ids) => `/listings/${ids.listingOfA}/attachments/${ids.attachmentOfA}`,
    expect: everyone('allow'),
  },
};

/** Demo accounts for each signed-in role (password: db/seed/data/people.ts DEMO_PASSWORD). */
export const ROLE_EMAIL: Record<Exclude<Role, 'anonymous'>, string> = {
  noOrg: 'member-jingrui-silicon@helin-demo.cn',
  memberA: 'member-chilechuan-dairy@helin-demo.cn',
  ownerA: 'owner-chilechuan-dairy@helin-demo.cn',
  ownerB: 'owner-muge-dairy@helin-demo.cn',
  pendingOwner: 'owner-xinmu-feed@helin-demo.cn',
  manager: 'manager1@helin-demo.cn',
  reviewer: 'reviewer@helin-demo.cn',
  admin: 'admin@helin-demo.cn',
};

/**
 * Actions without a POST row, and why: running them in the matrix would end the role's own session, or they
 * act only on the caller's own session or invitation. The flows in accounts.spec.ts cover them.
 */
export const POST_COVERED_ELSEWHERE: Record<string, string> = {
  logout: "ends only the caller's own session",
  'account.sessions': "ends all of the caller's own sessions",
  'invitations.$token':
    'accepts an invitation only for the invited e-mail (tests/integration/organisations.test.ts)',
};
