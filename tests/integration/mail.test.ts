import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailTask } from '../../app/features/mail/mail.server.ts';
import { loadConfig } from '../../app/server/config.ts';
import { createLogger } from '../../app/server/logger.ts';
import type { DbHandle } from '../../db/client.ts';
import { enqueue } from '../../db/queries/outbox.ts';
import { createPostgresEngine } from '../../search/postgres.ts';
import { createTestDb } from '../support/db.ts';

let handle: DbHandle;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-mail-'));
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function ctx() {
  return {
    db: handle.db,
    search: createPostgresEngine(handle.db),
    logger: createLogger('silent'),
    now: new Date(),
  };
}

describe('the mail sender', () => {
  it('writes each outbox mail once as an .eml file and marks the row done', async () => {
    await enqueue(handle.db, {
      topic: 'mail',
      aggregateType: 'listing',
      aggregateId: 1,
      payload: {
        to: 'owner@example.cn',
        subject: '【和林技术市场】您发布的信息即将到期',
        text: '请在“我的发布”中续期。',
      },
    });
    const task = mailTask(loadConfig({ DATA_DIR: dataDir }));
    expect(await task.run(ctx())).toBe(1);
    expect(await task.run(ctx())).toBe(0);
    const files = fs.readdirSync(path.join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    const eml = fs.readFileSync(path.join(dataDir, 'mail', files[0]!), 'utf8');
    expect(eml).toMatch(/^To: owner@example\.cn$/m);
    expect(eml).toMatch(/^Message-ID: <outbox-\d+@helin-tech-market>$/m);
    expect(eml).toContain('Subject: =?UTF-8?');
    const row = await handle.db
      .selectFrom('outbox')
      .select(['processed_at', 'attempts'])
      .where('topic', '=', 'mail')
      .executeTakeFirstOrThrow();
    expect(row.processed_at).not.toBeNull();
    expect(row.attempts).toBe(1);
  });

  it('keeps a mail the relay refused, with its error, for a retry later', async () => {
    await enqueue(handle.db, {
      topic: 'mail',
      aggregateType: 'listing',
      aggregateId: 2,
      payload: { to: 'other@example.cn', subject: 'x', text: 'y' },
    });
    // Nothing listens on port 1: the SMTP connection fails.
    const task = mailTask(loadConfig({ DATA_DIR: dataDir, SMTP_URL: 'smtp://127.0.0.1:1' }));
    expect(await task.run(ctx())).toBe(1);
    const row = await handle.db
      .selectFrom('outbox')
      .select(['processed_at', 'last_error', 'available_at'])
      .where('aggregate_id', '=', '2')
      .executeTakeFirstOrThrow();
    expect(row.processed_at).toBeNull();
    expect(row.last_error).toBeTruthy();
    expect(new Date(row.available_at).getTime()).toBeGreaterThan(Date.now() + 5000);
    expect(await task.run(ctx())).toBe(0);
  });
});
