import { defineConfig, devices } from '@playwright/test';

/**
 * Browser tests against the built server (production mode, a fresh embedded database with demo data),
 * driving Debian's Chromium (apt-get install -y chromium) — never a downloaded browser.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
/** One data directory per port, so that two runs on different ports do not share a database. */
const DATA_DIR = `.tmp/e2e-data-${PORT}`;
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'ci-results/e2e.json' }]] : 'list',
  use: {
    baseURL: `http://localhost:${PORT}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'desktop',
      use: { ...devices['Desktop Chrome'], launchOptions: chromium },
      testIgnore: /mobile\.spec\.ts/,
    },
    {
      name: 'phone',
      use: { ...devices['Pixel 7'], launchOptions: chromium },
      testMatch: /mobile\.spec\.ts/,
    },
  ],
  webServer: {
    command: `rm -rf ${DATA_DIR} && npm run build && node --import tsx server.ts`,
    url: `http://localhost:${PORT}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      NODE_ENV: 'production',
      PORT: String(PORT),
      DATA_DIR,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      // The suite signs in far more than a person would, all from localhost; the limits themselves are tested in
      // tests/integration/accounts.test.ts.
      LOGIN_LIMIT_PER_IP: '100000',
      LOGIN_LIMIT_PER_ACCOUNT: '100000',
    },
  },
});
