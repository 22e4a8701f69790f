import { type APIResponse, type Browser, expect as baseExpect, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { usccCheckCharacter } from '../../app/features/orgs/rules.ts';
import { signedInPage } from './accounts-support.ts';
import { expect, test } from './fixtures.ts';

/*
 * XSS (issue 9, item 5): script payloads typed into every text field a person can reach — listing fields,
 * organisation and person at registration, interest message, decline reason, match and activity notes, edition
 * title, introduction, entry note and erratum, the search query, a refused e-mail — then every page that shows them
 * is rendered in Chromium: no payload may run (window.__xss stays undefined, no dialog, no CSP violation in the
 * console), no element of a payload may reach the DOM, and the payload is visible as text where it is shown. The
 * exports (.csv, .json, .xlsx) and the Atom feed carry it as inert data. Docs: docs/reliability.md "XSS".
 */

test.describe.configure({ mode: 'serial' });

const P = {
  script: '<script>window.__xss=1</script>',
  img: '<img src=x onerror="window.__xss=1">',
  svg: '"><svg onload=window.__xss=1>',
  js: 'javascript:window.__xss=1',
  attr: "' onmouseover='window.__xss=1' x='",
};
const ALL = `${P.script}${P.img}${P.svg}${P.js}`;

/** Distinct values per field, so that each can be looked for where it should appear. */
const V = {
  title: `=XSS需求${P.svg}${P.img}`,
  title2: `XSS成果乙${P.script}`,
  summary: `摘要${ALL}`,
  detail: `详细说明${ALL}${P.attr}`,
  keyword1: P.script,
  keyword2: P.img,
  indicators: `考核指标${ALL}`,
  contactName: `联系人${P.svg}`,
  orgName: `单位${P.svg}${P.img}`,
  displayName: `姓名${P.svg}`,
  message: `意向说明${ALL}`,
  declineText: `理由${P.svg}${P.img}`,
  matchNote: `备注${ALL}`,
  activityNote: `活动记录${ALL}`,
  editionTitle: `清单${P.svg}`,
  introduction: `导语${ALL}`,
  entryNote: `条目说明${P.svg}${P.img}`,
  erratum: `勘误${ALL}`,
};

const POSTER = 'owner-hengdu-software@helin-demo.cn';
const REQUESTER = 'owner-weiguang-quantum@helin-demo.cn';
const EDITION = { year: '2001', number: '7' };

interface Watched {
  page: Page;
  problems: string[];
}

/** Console errors, page errors and dialogs of a page: any of them can be a payload that ran (or a CSP block). */
function watch(page: Page): Watched {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  return { page, problems };
}

async function as(browser: Browser, email: string): Promise<Watched> {
  return watch(await signedInPage(browser, email));
}

async function anonymous(browser: Browser): Promise<Watched> {
  return watch(await (await browser.newContext()).newPage());
}

/**
 * The page has rendered the payloads inertly: nothing ran, no element of a payload exists in the DOM, and each
 * `shown` text is visible as text.
 */
async function expectInert(w: Watched, path: string, shown: string[] = []) {
  const response = await w.page.goto(path);
  baseExpect(response?.status(), path).toBeLessThan(400);
  await w.page.waitForLoadState('networkidle');
  for (const text of shown) {
    // (print views also carry print-only copies: the visible one counts)
    await expect(w.page.getByText(text).filter({ visible: true }).first(), `${path}: ${text}`).toBeVisible();
  }
  const ran = await w.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
  baseExpect(ran, `${path}: window.__xss`).toBeUndefined();
  const injected = await w.page.evaluate(() =>
    [
      ...document.querySelectorAll(
        'img[src="x"], svg[onload], [onerror], [onload], [onmouseover], a[href^="javascript:" i], [x]:not(svg *)',
      ),
    ].map((e) => e.outerHTML.slice(0, 120)),
  );
  baseExpect(injected, `${path}: elements from a payload`).toEqual([]);
  // Text nodes serialise as &lt;script&gt;; Remix's inline data script carries the text with \u003c escapes.
  const html = await w.page.content();
  baseExpect(html.includes(P.script), `${path}: a literal <script> payload in the document`).toBe(false);
  baseExpect(w.problems, `${path}: console errors, dialogs`).toEqual([]);
}

async function post(
  w: Watched,
  baseURL: string,
  path: string,
  form: Record<string, string>,
): Promise<APIResponse> {
  return w.page.request.post(path, { form, headers: { Origin: baseURL }, maxRedirects: 0 });
}

function locationOf(response: APIResponse): string {
  baseExpect(response.status(), `expected a redirect, got ${response.status()}`).toBe(302);
  return response.headers().location ?? '';
}

function validUscc(): string {
  const body = `91150123${String(Date.now()).slice(-9)}`;
  return body + usccCheckCharacter(body);
}

const state = {
  listing: 0,
  listing2: 0,
  matchPath: '',
  editionId: 0,
};

test('listing fields: my listings, edit form, review, public page, index, search and API', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const poster = await as(browser, POSTER);
  await poster.page.goto('/my/listings/new?kind=demand');
  const org = await poster.page.locator('[name="organisationId"]').first().inputValue();
  const demand = (title: string) => ({
    title,
    summary: V.summary,
    detail: V.detail,
    fieldCodes: 'dairy',
    keywords: `${V.keyword1}、${V.keyword2}`,
    region: '和林格尔县',
    confidentiality: 'public',
    indicators: V.indicators,
    contact_name: V.contactName,
    contact_phone: '13800138000',
    contact_email: 'xss-contact@example.cn',
    demand_type: 'process',
    cooperation_modes: 'joint_development',
    budget_min_wan: '10',
    budget_max_wan: '20',
    organisationId: org,
  });
  for (const [key, title] of [
    ['listing', V.title],
    ['listing2', V.title2],
  ] as const) {
    const created = await post(poster, baseURL!, '/my/listings/new?kind=demand', demand(title));
    state[key] = Number(/\/my\/listings\/(\d+)/.exec(locationOf(created))?.[1]);
    expect(state[key]).toBeGreaterThan(0);
    const submitted = await post(poster, baseURL!, '/my/listings', {
      intent: 'submit',
      id: String(state[key]),
    });
    expect(submitted.status()).toBe(200);
  }

  await expectInert(poster, '/my/listings', [V.title, V.title2]);
  await expectInert(poster, `/my/listings/${state.listing}`);
  // The edit form holds the values as values (attributes and textarea text), unchanged.
  await expect(poster.page.locator('[name="title"]')).toHaveValue(V.title);
  await expect(poster.page.locator('[name="summary"]')).toHaveValue(V.summary);
  await expect(poster.page.locator('[name="detail"]')).toHaveValue(V.detail);
  await expect(poster.page.locator('[name="contact_name"]')).toHaveValue(V.contactName);

  const reviewer = await as(browser, 'reviewer@helin-demo.cn');
  await expectInert(reviewer, '/bureau/review', [V.title]);
  await expectInert(reviewer, `/bureau/review/${state.listing}`, [V.title, V.summary, V.indicators]);
  for (const id of [state.listing, state.listing2]) {
    const approved = await post(reviewer, baseURL!, `/bureau/review/${id}`, { intent: 'approve' });
    expect(locationOf(approved)).toContain('/bureau/review');
  }

  // Public: the listing page, the kind index, the home page (contacts show only on a match page, below).
  await expectInert(poster, `/listings/${state.listing}`, [V.title, V.summary, V.indicators]);
  const visitor = await anonymous(browser);
  await expectInert(visitor, `/listings/${state.listing}`, [
    V.title,
    V.summary,
    V.detail,
    V.keyword1,
    V.keyword2,
  ]);
  await expectInert(visitor, '/demands', [V.title]);
  await expectInert(visitor, '/', [V.title]);

  // Search with highlighting (the index catches up through the worker within about a second).
  await expect
    .poll(
      async () => (await visitor.page.request.get('/api/v1/search?q=XSS需求')).json().then((j) => j.total),
      {
        timeout: 15_000,
      },
    )
    .toBeGreaterThan(0);
  await expectInert(visitor, `/search?q=${encodeURIComponent('XSS需求')}`, [V.title]);
  await expectInert(visitor, `/search?q=${encodeURIComponent('window.__xss')}`);
  // The JSON API: the payload is a JSON string, served as JSON and never sniffed as HTML.
  const api = await visitor.page.request.get(`/api/v1/listings/${state.listing}`);
  expect(api.headers()['content-type']).toContain('application/json');
  expect(api.headers()['x-content-type-options']).toBe('nosniff');
  expect((await api.json()).data.title).toBe(V.title);
  const hits = await (await visitor.page.request.get('/api/v1/search?q=XSS需求')).json();
  expect(hits.hits.map((h: { title: string }) => h.title)).toContain(V.title);
});

test('organisation and person at registration: account, bureau verification and user pages', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const email = `xss-${Date.now()}@example.cn`;
  const newcomer = await anonymous(browser);
  await newcomer.page.goto('/register');
  const registered = await post(newcomer, baseURL!, '/register', {
    mode: 'new',
    organisationName: V.orgName,
    organisationType: 'enterprise',
    uscc: validUscc(),
    region: '和林格尔县',
    displayName: V.displayName,
    email,
    phone: '',
    password: 'Helin-Xss-Passwort-2026',
    passwordConfirm: 'Helin-Xss-Passwort-2026',
  });
  expect(locationOf(registered)).toBe('/account');
  await expectInert(newcomer, '/account', [V.orgName]);

  const admin = await as(browser, 'admin@helin-demo.cn');
  await expectInert(admin, '/bureau/organisations', [V.orgName]);
  const link = admin.page.getByRole('link', { name: V.orgName }).first();
  const href = await link.getAttribute('href');
  await expectInert(admin, href!, [V.orgName, V.displayName]);
  await expectInert(admin, `/bureau/users?q=${encodeURIComponent(email)}`, [V.displayName]);
  await expectInert(admin, '/bureau/audit');

  // A refused registration keeps what was typed: the values come back as values, not markup.
  const again = await anonymous(browser);
  await again.page.goto('/register');
  await again.page.getByLabel('单位名称').fill(V.orgName);
  await again.page.getByLabel('电子邮箱').fill(email);
  await again.page.getByRole('button', { name: '注册' }).click();
  await expect(again.page.getByLabel('单位名称')).toHaveValue(V.orgName);
  baseExpect(
    await again.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
  ).toBeUndefined();
  baseExpect(again.problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([]);
});

test('interest message, decline reason, match and activity notes, the inbox', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const requester = await as(browser, REQUESTER);
  for (const id of [state.listing, state.listing2]) {
    await requester.page.goto(`/listings/${id}`);
    const org = await requester.page.locator('[name="organisation"]').first().inputValue();
    const sent = await post(requester, baseURL!, `/listings/${id}`, {
      message: V.message,
      organisation: org,
    });
    expect(locationOf(sent)).toContain('/my/interests');
  }
  await expectInert(requester, '/my/interests', [V.message]);

  const poster = await as(browser, POSTER);
  await expectInert(poster, '/my/interests', [V.message]);
  await expectInert(poster, '/account/notices', [V.title]);
  const form = async (listingTitle: string) => {
    await poster.page.goto('/my/interests');
    const item = poster.page.locator('li[data-testid^="interest-"]', { hasText: listingTitle }).first();
    return {
      id: await item.locator('input[name="id"]').first().inputValue(),
      version: await item.locator('input[name="version"]').first().inputValue(),
    };
  };
  // Decline the second with a reason of one's own words; accept the first.
  const second = await form(V.title2);
  const declined = await post(poster, baseURL!, '/my/interests', {
    intent: 'decline',
    ...second,
    reason_code: 'other',
    reason_text: V.declineText,
  });
  expect(locationOf(declined)).toContain('declined');
  await expectInert(requester, '/my/interests', [V.declineText]);
  await expectInert(requester, '/account/notices', [V.declineText]);

  const first = await form(V.title);
  const accepted = await post(poster, baseURL!, '/my/interests', { intent: 'accept', ...first });
  state.matchPath = new URL(locationOf(accepted), baseURL).pathname;
  expect(state.matchPath).toMatch(/^\/matches\/\d+$/);

  await poster.page.goto(state.matchPath);
  const version = await poster.page.locator('input[name="version"]').first().inputValue();
  const negotiating = await post(poster, baseURL!, state.matchPath, {
    intent: 'start_negotiation',
    version,
    note: V.matchNote,
  });
  expect(locationOf(negotiating)).toContain(state.matchPath);

  const manager = await as(browser, 'manager3@helin-demo.cn');
  await manager.page.goto(state.matchPath);
  const v2 = await manager.page.locator('input[name="version"]').first().inputValue();
  expect(
    locationOf(await post(manager, baseURL!, state.matchPath, { intent: 'take', version: v2 })),
  ).toContain(state.matchPath);
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const activity = await post(manager, baseURL!, state.matchPath, {
    intent: 'activity',
    kind: 'call',
    minutes: '30',
    occurred_on: today,
    note: V.activityNote,
  });
  expect(locationOf(activity)).toContain(state.matchPath);

  await expectInert(manager, state.matchPath, [V.matchNote, V.activityNote, V.title]);
  await expectInert(poster, state.matchPath, [V.matchNote, V.title]);
  await expectInert(requester, state.matchPath, [V.matchNote, V.contactName]);
  await expectInert(requester, '/matches', [V.title]);
  await expectInert(manager, '/manager', [V.title]);
  // The bureau's dashboard lists titles, organisations and managers; the statistics charts are the one place
  // that renders markup (server-made SVG, labels from the taxonomy): both inert.
  const admin = await as(browser, 'admin@helin-demo.cn');
  await expectInert(admin, '/bureau/dashboard');
  await expectInert(admin, '/bureau/matching');
  await expectInert(await anonymous(browser), '/statistics');
});

test('edition title, introduction, entry note and erratum: workbench, preview, page, print, exports, feed', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const staff = await as(browser, 'reviewer@helin-demo.cn');
  await staff.page.goto('/bureau/editions');
  const created = await post(staff, baseURL!, '/bureau/editions', {
    title: V.editionTitle,
    year: EDITION.year,
    number: EDITION.number,
    period_start: '',
    period_end: '',
    introduction: V.introduction,
  });
  const path = new URL(locationOf(created), baseURL).pathname;
  const version = async () => {
    await staff.page.goto(path);
    return staff.page.locator('input[name="version"]').first().inputValue();
  };
  expect(
    locationOf(
      await post(staff, baseURL!, path, {
        intent: 'add',
        version: await version(),
        listing: String(state.listing),
      }),
    ),
  ).toContain(path);
  const v = await version();
  const entry = await staff.page.locator('input[name="entry"]').first().inputValue();
  const noted = await post(staff, baseURL!, path, {
    intent: 'entry',
    version: v,
    entry,
    note: V.entryNote,
    chain_action: 'strengthen',
  });
  expect(locationOf(noted)).toContain(path);
  await expectInert(staff, path, [V.editionTitle, V.title]);
  await expect(staff.page.locator('[name="introduction"]').first()).toHaveValue(V.introduction);
  await expectInert(staff, `${path}/preview`, [V.editionTitle, V.introduction, V.entryNote, V.title]);
  expect(
    locationOf(await post(staff, baseURL!, path, { intent: 'publish', version: await version() })),
  ).toContain(path);
  expect(locationOf(await post(staff, baseURL!, path, { intent: 'erratum', body: V.erratum }))).toContain(
    path,
  );

  const visitor = await anonymous(browser);
  const page = `/lists/${EDITION.year}/${EDITION.number}`;
  await expectInert(visitor, page, [V.editionTitle, V.introduction, V.entryNote, V.erratum, V.title]);
  await expectInert(visitor, `${page}/print`, [V.editionTitle, V.entryNote, V.title]);
  await expectInert(visitor, '/lists', [V.editionTitle]);

  // .csv: the values as CSV fields; a title a spreadsheet would read as a formula gets a leading apostrophe.
  const csv = await visitor.page.request.get(`${page}/edition.csv`);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(csv.headers()['content-disposition']).toContain('attachment');
  const csvText = await csv.text();
  expect(csvText).toContain(`"'${V.title.replaceAll('"', '""')}"`);
  expect(csvText).toContain(V.entryNote.replaceAll('"', '""'));

  // .json: strings, served as JSON.
  const json = await visitor.page.request.get(`${page}/edition.json`);
  expect(json.headers()['content-type']).toContain('application/json');
  expect(json.headers()['x-content-type-options']).toBe('nosniff');
  const body = JSON.stringify(await json.json());
  expect(body).toContain(JSON.stringify(V.title).slice(1, -1));
  expect(body).toContain(JSON.stringify(V.editionTitle).slice(1, -1));

  // .xlsx: text cells, never formulas.
  const xlsx = await visitor.page.request.get(`${page}/edition.xlsx`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await xlsx.body()) as unknown as ArrayBuffer);
  const cells: { text: string; formula: boolean }[] = [];
  workbook.eachSheet((sheet) =>
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        cells.push({ text: String(cell.text), formula: cell.type === ExcelJS.ValueType.Formula });
      }),
    ),
  );
  expect(cells.filter((c) => c.formula)).toEqual([]);
  expect(cells.map((c) => c.text)).toContain(V.title);
  expect(cells.map((c) => c.text)).toContain(V.entryNote);

  // Atom: the title is XML text whose HTML (type="html") is escaped: a feed reader shows it as text.
  const feed = await (await visitor.page.request.get('/lists/feed.atom')).text();
  const titles = await visitor.page.evaluate((xml) => {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    return [...doc.querySelectorAll('entry > title')].map((t) => {
      const html = new DOMParser().parseFromString(t.textContent ?? '', 'text/html');
      return { text: html.body.textContent, elements: html.body.querySelectorAll('*').length };
    });
  }, feed);
  expect(titles).toContainEqual({ text: V.editionTitle, elements: 0 });
  expect(titles.every((t) => t.elements === 0)).toBe(true);
  state.editionId = Number(path.split('/').pop());
});

test('the search query and a refused e-mail are shown back as text', async ({ browser }) => {
  const visitor = await anonymous(browser);
  await expectInert(visitor, `/search?q=${encodeURIComponent(ALL.slice(0, 190))}`);
  // The search page's own box (the header's is the first) holds the query as its value.
  await expect(visitor.page.getByRole('searchbox', { name: '搜索需求、成果和场景' }).last()).toHaveValue(
    ALL.slice(0, 190),
  );
  const api = await visitor.page.request.get(`/api/v1/search?q=${encodeURIComponent(P.script)}`);
  expect(api.headers()['content-type']).toContain('application/json');

  // Subscription and login refuse the address and keep what was typed, as a value.
  for (const [path, button] of [
    ['/lists/subscribe', '订阅'],
    ['/login', '登录'],
  ] as const) {
    await visitor.page.goto(path);
    await visitor.page.getByLabel('电子邮箱').fill(`${P.svg}@example.cn`);
    if (path === '/login') await visitor.page.getByRole('textbox', { name: '密码', exact: true }).fill('x');
    await visitor.page.getByRole('button', { name: button, exact: true }).click();
    await expect(visitor.page.getByLabel('电子邮箱')).toHaveValue(`${P.svg}@example.cn`);
    baseExpect(
      await visitor.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
    ).toBeUndefined();
    baseExpect(
      await visitor.page.evaluate(() => document.querySelectorAll('svg[onload], img[src="x"]').length),
    ).toBe(0);
  }
  baseExpect(visitor.problems).toEqual([]);
});

test.afterAll(async ({ browser, baseURL }) => {
  // Leave no payload listing live for the other browser tests (the home page shows the newest).
  if (!state.listing) return;
  const poster = await as(browser, POSTER);
  for (const id of [state.listing, state.listing2]) {
    if (id) await post(poster, baseURL!, '/my/listings', { intent: 'withdraw', id: String(id) });
  }
});
