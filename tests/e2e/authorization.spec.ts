import { type APIRequestContext, expect, request as playwrightRequest, test } from '@playwright/test';
import { signIn } from './accounts-support.ts';
import { type Ids, MATRIX, type Outcome, ROLE_EMAIL, ROLES, type Role } from './authorization-matrix.ts';

/**
 * Every route × every role against the built server, over real HTTP with real sessions.
 */
test.describe.configure({ mode: 'serial' });

const TINY_PDF =
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

const contexts = new Map<Role, APIRequestContext>();
let ids: Ids;

test.beforeAll(async ({ baseURL }) => {
  for (const role of ROLES) {
    const ctx = await playwrightRequest.newContext({ baseURL });
    if (role !== 'anonymous') await signIn(ctx, baseURL!, ROLE_EMAIL[role]);
    contexts.set(role, ctx);
  }
  const owner = contexts.get('ownerA')!;
  const account = await (await owner.get('/account')).text();
  const orgA = Number(account.match(/\/orgs\/(\d+)\/settings/)?.[1]);
  const pendingAccount = await (await contexts.get('pendingOwner')!.get('/account')).text();
  const pendingOrg = Number(pendingAccount.match(/\/orgs\/(\d+)\/settings/)?.[1]);
  const listing = await (await owner.get('/api/v1/listings?per_page=1')).json();
  const invite = await owner.post(`/orgs/${orgA}/settings`, {
    form: { intent: 'invite', email: 'matrix-invitee@example.cn', role: 'member' },
    headers: { Origin: baseURL! },
  });
  const token = (await invite.text()).match(/\/invitations\/([A-Za-z0-9_-]+)/)?.[1];
  expect(orgA).toBeGreaterThan(0);
  expect(pendingOrg).toBeGreaterThan(0);
  expect(token).toBeTruthy();

  // A public, published listing of organisation A, and an attachment its owner uploads.
  const mine = await (await owner.get('/my/listings')).text();
  let listingOfA = 0;
  for (const [, id] of mine.matchAll(/data-testid="my-listing-(\d+)"/g)) {
    const api = await owner.get(`/api/v1/listings/${id}`);
    if (api.ok() && (await api.json()).data.confidentiality === 'public') {
      listingOfA = Number(id);
      break;
    }
  }
  expect(listingOfA).toBeGreaterThan(0);
  const upload = await owner.post(`/my/listings/${listingOfA}`, {
    multipart: { file: { name: '说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from(TINY_PDF) } },
    headers: { Origin: baseURL! },
  });
  expect(upload.status()).toBe(200);
  const page = await (await owner.get(`/my/listings/${listingOfA}`)).text();
  const attachmentOfA = Number(page.match(new RegExp(`/listings/${listingOfA}/attachments/(\\d+)`))?.[1]);
  expect(attachmentOfA).toBeGreaterThan(0);
  // A published edition (seeded) and any edition on the bureau's list.
  const archive = await (await contexts.get('anonymous')!.get('/lists')).text();
  const editionPath = archive.match(/\/lists\/\d{4}\/\d+/)?.[0];
  const bureauEditions = await (await contexts.get('admin')!.get('/bureau/editions')).text();
  const editionId = Number(bureauEditions.match(/\/bureau\/editions\/(\d+)/)?.[1]);
  expect(editionPath).toBeTruthy();
  expect(editionId).toBeGreaterThan(0);
  ids = {
    editionPath: editionPath!,
    editionId,
    listingId: listing.data[0].id,
    orgA,
    pendingOrg,
    invitationToken: token!,
    listingOfA,
    attachmentOfA,
  };
});

test.afterAll(async () => {
  for (const ctx of contexts.values()) await ctx.dispose();
});

function check(
  outcome: Outcome,
  status: number,
  location: string | undefined,
  label: string,
  isPost: boolean,
) {
  switch (outcome) {
    case 'allow':
      expect(status, label).toBe(isPost ? 400 : 200);
      break;
    case 'login':
      expect(status, label).toBe(302);
      expect(location, label).toMatch(/^\/login\?redirectTo=/);
      break;
    case 'away':
      expect(status, label).toBe(302);
      expect(location, label).not.toMatch(/^\/login/);
      break;
    case 'deny':
      expect([403, 404], label).toContain(status);
      break;
    case 'missing':
      expect(status, label).toBe(404);
      break;
  }
}

for (const [route, entry] of Object.entries(MATRIX)) {
  test(`${route}: every role gets what the matrix says`, async ({ baseURL }) => {
    for (const role of ROLES) {
      const ctx = contexts.get(role)!;
      const url = entry.url(ids);
      const get = await ctx.get(url, { maxRedirects: 0 });
      check(entry.expect[role], get.status(), get.headers().location, `GET ${url} as ${role}`, false);
      if (entry.post) {
        const post = await ctx.post(url, {
          form: entry.post.form,
          headers: { Origin: baseURL! },
          maxRedirects: 0,
        });
        check(
          entry.post.expect[role],
          post.status(),
          post.headers().location,
          `POST ${url} as ${role}`,
          true,
        );
      }
    }
  });
}
