import type { Page } from '@playwright/test';
import { DEMO_PASSWORD } from '../../db/seed/data/people.ts';
import { expect, test } from './fixtures.ts';

/*
 * The statistics page (数据统计) and the bureau dashboard (统计与评价): charts drawn on the server as SVG (so they
 * show without JavaScript and under the CSP: a blocked inline style would be a console error, which fails the
 * test), each with an aria summary and its numbers as a table; the period filter as a GET form; the export.
 */

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('电子邮箱').fill(email);
  await page.getByRole('textbox', { name: '密码', exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
}

test('the statistics page shows every chart as an SVG with a summary and a table', async ({
  page,
  checkA11y,
}) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '数据统计' }).click();
  await expect(page).toHaveURL(/\/statistics$/);
  await expect(page.getByRole('heading', { level: 1, name: '数据统计' })).toBeVisible();
  await expect(page.getByTestId('period-label')).toContainText('统计期间：');

  const charts = page.locator('figure.chart');
  await expect(charts).toHaveCount(6);
  for (const chart of await charts.all()) {
    const image = chart.getByRole('img');
    await expect(image).toHaveAttribute('aria-label', /图表。.+详细数字见图表下方的数据表。/);
    await expect(image.locator('svg')).toBeVisible();
    await expect(chart.locator('table tbody tr').first()).toBeVisible();
  }
  // The same numbers as the table: the live listings by kind.
  const kinds = page.getByTestId('chart-live-kind');
  await expect(kinds.locator('tbody tr')).toHaveCount(3);
  await expect(kinds.locator('tbody tr').first().locator('th')).toHaveText('技术需求');
  const demands = await kinds.locator('tbody tr').first().locator('td').textContent();
  await expect(kinds.getByRole('img')).toHaveAttribute('aria-label', new RegExp(`技术需求 ${demands} 项`));
  await expect(kinds.locator('svg text', { hasText: '技术需求' })).toHaveCount(1);
  await checkA11y(page);

  // A preset quarter through the GET form.
  await page.getByLabel('按季度', { exact: true }).selectOption({ index: 2 });
  await page.getByRole('button', { name: '查看' }).click();
  await expect(page).toHaveURL(/\/statistics\?.*quarter=\d{4}Q[1-4]/);
  await expect(page.getByTestId('period-label')).toContainText(/\d{4}年第[1-4]季度/);
  await expect(page.getByTestId('chart-new-month').locator('tbody tr')).toHaveCount(3);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the charts are there all the same, and the period form works', async ({ page }) => {
    await page.goto('/statistics?from=2026-07&to=2026-09');
    await expect(page.getByTestId('period-label')).toHaveText('统计期间：2026年7月至2026年9月');
    await expect(page.locator('figure.chart svg').first()).toBeVisible();
    await expect(page.getByTestId('chart-new-month').locator('tbody tr')).toHaveCount(3);
    await page.getByLabel('起始月份').fill('2026-09');
    await page.getByLabel('结束月份').fill('2026-07');
    await page.getByRole('button', { name: '查看' }).click();
    await expect(page.getByText('结束月份不能早于起始月份')).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('以下按近12个月显示');
  });
});

test('the bureau dashboard: funnel, response time, overdue items, league tables, a period, the export', async ({
  page,
  checkA11y,
}) => {
  await signIn(page, 'reviewer@helin-demo.cn');
  await page.goto('/bureau');
  await page.getByRole('link', { name: /统计与评价/ }).click();
  await expect(page).toHaveURL(/\/bureau\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1, name: '统计与评价' })).toBeVisible();

  const funnel = page.getByTestId('chart-funnel');
  await expect(funnel.getByRole('img')).toHaveAttribute('aria-label', /新发布信息 \d+/);
  await expect(funnel.locator('svg')).toBeVisible();
  await expect(funnel.locator('tbody tr')).toHaveCount(5);
  await expect(page.getByTestId('response-median')).toContainText('小时');
  await expect(page.getByTestId('overdue-interests-total')).toContainText(/共 \d+ 条/);
  await expect(page.getByTestId('stale-matches-total')).toContainText(/共 \d+ 条/);
  await expect(page.getByTestId('league-managers').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('league-agencies').locator('tbody tr')).toHaveCount(3);
  await checkA11y(page);

  // An overdue match links to its page.
  const stale = page
    .getByRole('table', { name: /没有进展的对接/ })
    .getByRole('link')
    .first();
  await expect(stale).toHaveAttribute('href', /^\/matches\/\d+$/);

  // The period filter.
  await page.getByLabel('起始月份').fill('2026-07');
  await page.getByLabel('结束月份').fill('2026-09');
  await page.getByRole('button', { name: '查看' }).click();
  await expect(page).toHaveURL(/from=2026-07&to=2026-09/);
  await expect(page.getByTestId('period-label')).toHaveText('统计期间：2026年7月至2026年9月');
  const exportLink = page.getByRole('link', { name: '导出评价数据（.xlsx）' });
  await expect(exportLink).toHaveAttribute(
    'href',
    '/bureau/dashboard/evaluation.xlsx?from=2026-07&to=2026-09',
  );
  const response = await page.request.get('/bureau/dashboard/evaluation.xlsx?from=2026-07&to=2026-09');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  expect(response.headers()['content-disposition']).toContain('helin-evaluation-2026-07-2026-09.xlsx');
});
