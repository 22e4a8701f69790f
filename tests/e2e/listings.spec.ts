import { signedInPage } from './accounts-support.ts';
import { expect, test } from './fixtures.ts';

const TITLE = '巴氏杀菌乳膜过滤除菌工艺验证需求';

test('a demand goes from draft through rejection and resubmission to the public page and the API', async ({
  browser,
  checkA11y,
}) => {
  test.setTimeout(90_000);
  const owner = await signedInPage(browser, 'owner-saibei-cheese@helin-demo.cn');
  await owner.goto('/my/listings/new?kind=demand');
  await checkA11y(owner);

  // Bad input first: field-level messages, nothing saved.
  await owner.getByLabel('标题').fill('短');
  await owner.getByLabel('预算下限（万元）').fill('一百');
  await owner.getByRole('button', { name: '保存草稿' }).click();
  await expect(owner.getByText('请填写标题（至少4个字）')).toBeVisible();
  await expect(owner.getByText('请填写数字（单位：万元）')).toBeVisible();
  await expect(owner.getByText('请至少选择一个产业领域')).toBeVisible();

  await owner.getByLabel('标题').fill(TITLE);
  await owner
    .getByLabel('摘要（公开）')
    .fill('拟在巴氏杀菌乳生产线引入陶瓷膜过滤除菌，需要工艺验证与参数优化。<script>alert(1)</script>');
  await owner.getByRole('checkbox', { name: '乳业及营养健康' }).check();
  await owner.getByLabel('需求类型').selectOption('process');
  await owner.getByLabel('考核指标（量化）').fill('除菌率≥99.9%，处理量≥5吨/小时');
  await owner.getByRole('checkbox', { name: '合作开发' }).check();
  await owner.getByLabel('预算下限（万元）').fill('40');
  await owner.getByLabel('预算上限（万元）').fill('90');
  await owner.getByRole('button', { name: '保存草稿' }).click();
  await expect(owner).toHaveURL(/\/my\/listings\/\d+/);
  const id = owner.url().match(/\/my\/listings\/(\d+)/)![1];
  await expect(owner.getByTestId('listing-status')).toHaveText('草稿');
  await expect(owner.getByText(/完整度 \d+%/).first()).toBeVisible();
  await checkA11y(owner);
  await owner.getByRole('button', { name: '提交审核' }).click();
  await expect(owner.getByTestId('listing-status')).toHaveText('待审核');

  const reviewer = await signedInPage(browser, 'reviewer@helin-demo.cn');
  await reviewer.goto('/bureau/review');
  await checkA11y(reviewer);
  await reviewer.getByRole('link', { name: TITLE }).click();
  await reviewer.getByRole('button', { name: '不予通过' }).click();
  await expect(reviewer.getByText('请填写不通过的原因（将告知发布单位）')).toBeVisible();
  await reviewer.getByLabel('不予通过的原因（将告知发布单位）').fill('请补充处理量和菌落总数等量化指标');
  await reviewer.getByRole('button', { name: '不予通过' }).click();
  await expect(reviewer).toHaveURL(/\/bureau\/review/);

  await owner.goto(`/my/listings/${id}`);
  await expect(owner.getByTestId('listing-status')).toHaveText('未通过');
  await expect(owner.getByTestId('rejection-reason')).toContainText('请补充处理量和菌落总数等量化指标');
  await owner.getByLabel('考核指标（量化）').fill('处理量≥10吨/小时，除菌率≥99.9%，菌落总数≤100 CFU/mL');
  await owner.getByRole('button', { name: '保存修改' }).click();
  await expect(owner.getByText('已保存。')).toBeVisible();
  await owner.getByRole('button', { name: '提交审核' }).click();
  await expect(owner.getByTestId('listing-status')).toHaveText('待审核');

  await reviewer.goto(`/bureau/review/${id}`);
  await reviewer.getByRole('button', { name: '审核通过' }).click();
  await expect(reviewer).toHaveURL(/\/bureau\/review/);

  const visitor = await browser.newPage();
  const response = await visitor.goto(`/listings/${id}`);
  expect(response?.status()).toBe(200);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  // Script in a text field is shown as text, never run.
  await expect(visitor.getByText('<script>alert(1)</script>', { exact: false })).toBeVisible();
  const api = await visitor.request.get(`/api/v1/listings/${id}`);
  expect(api.status()).toBe(200);
  expect((await api.json()).data.title).toBe(TITLE);
});

test('a university lists an achievement with a PDF; a disguised file is refused', async ({ browser }) => {
  test.setTimeout(60_000);
  const member = await signedInPage(browser, 'member-beijiang-univ@helin-demo.cn');
  await member.goto('/my/listings/new?kind=achievement');
  await member.getByLabel('标题').fill('耐盐碱苜蓿新品种“北疆1号”及配套栽培技术');
  await member.getByLabel('摘要（公开）').fill('在pH 8.5的盐碱地上亩产干草≥800公斤，粗蛋白含量≥18%。');
  await member.getByRole('checkbox', { name: '现代农业' }).check();
  await member.getByLabel('成果类型').selectOption('plant_variety');
  await member.getByLabel('技术就绪度（TRL）').selectOption('7');
  await member.getByRole('checkbox', { name: '技术许可' }).check();
  await member.getByLabel('面议').check();
  await member.getByRole('button', { name: '保存草稿' }).click();
  await expect(member).toHaveURL(/\/my\/listings\/\d+/);

  await member.getByLabel('上传附件').setInputFiles({
    name: 'virus.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff'),
  });
  await member.getByRole('button', { name: '上传', exact: true }).click();
  await expect(member.getByText(/文件类型不支持/)).toBeVisible();

  await member.getByLabel('上传附件').setInputFiles({
    name: '品种说明.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'),
  });
  await member.getByRole('button', { name: '上传', exact: true }).click();
  const link = member.getByRole('link', { name: '品种说明.pdf' });
  await expect(link).toBeVisible();
  const href = await link.getAttribute('href');
  const file = await member.request.get(href!);
  expect(file.status()).toBe(200);
  expect(file.headers()['content-type']).toBe('application/pdf');
  expect(file.headers()['content-disposition']).toContain("filename*=UTF-8''");
  // Not published yet: an anonymous visitor gets nothing.
  const anonymous = await browser.newPage();
  expect((await anonymous.request.get(href!)).status()).toBe(404);
});

test('a members-only detail is hidden from an anonymous visitor and shown to a verified member', async ({
  browser,
  page,
}) => {
  const api = await page.request.get('/api/v1/listings?per_page=100');
  const item = (await api.json()).data.find(
    (l: { confidentiality: string }) => l.confidentiality === 'members',
  );
  expect(item).toBeDefined();
  await page.goto(`/listings/${item.id}`);
  await expect(page.getByText('详细信息仅对通过认证的会员单位可见，请登录后查看。')).toBeVisible();
  await expect(page.getByRole('heading', { name: '详细说明' })).toHaveCount(0);

  const member = await signedInPage(browser, 'owner-muge-dairy@helin-demo.cn');
  await member.goto(`/listings/${item.id}`);
  await expect(member.getByRole('heading', { name: '详细说明' })).toBeVisible();
});

test('an expired listing is absent from the public pages and the API', async ({ browser, request }) => {
  // Find an expired demo listing through the reviewer's view (it shows every listing's status).
  const reviewer = await signedInPage(browser, 'reviewer@helin-demo.cn');
  let expired: { id: number; title: string } | undefined;
  for (let id = 1; id < 400 && !expired; id++) {
    const html = await (await reviewer.request.get(`/bureau/review/${id}`)).text();
    if (html.includes('badge--status-expired')) {
      expired = { id, title: html.match(/<h1>([^<]+)<\/h1>/)?.[1] ?? '' };
    }
  }
  expect(expired?.title).toBeTruthy();
  expect((await request.get(`/api/v1/listings/${expired!.id}`)).status()).toBe(404);
  expect((await request.get(`/listings/${expired!.id}`)).status()).toBe(404);
  const all = await request.get('/api/v1/listings?per_page=100&page=1');
  const body = await all.json();
  const titles: string[] = [];
  for (let page = 1; page <= body.meta.pages; page++) {
    const r = await request.get(`/api/v1/listings?per_page=100&page=${page}`);
    for (const l of (await r.json()).data) titles.push(l.title);
  }
  expect(titles).not.toContain(expired!.title);
});
