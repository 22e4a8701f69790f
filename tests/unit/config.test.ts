import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/server/config.ts';

describe('loadConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', SEED_DEMO: 'auto', WORKER: 'on' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }).PORT).toBe(3000);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrowError(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrowError(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrowError(/DATABASE_URL/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrowError(/LOG_LEVEL/);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ PORT: '0', SEED_DEMO: 'always' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['PORT', 'SEED_DEMO']);
    }
  });

  it('takes the 蒙科聚 sync over https (http only to this machine), with a token and a bounded timeout', () => {
    const off = loadConfig({});
    expect(off.MKJ_SYNC_URL).toBeUndefined();
    expect(off.MKJ_SYNC_TIMEOUT_MS).toBe(10_000);
    const on = loadConfig({ MKJ_SYNC_URL: 'https://mkj.example.cn/api/sync', MKJ_SYNC_TOKEN: 'abc.DEF-123' });
    expect(on).toMatchObject({
      MKJ_SYNC_URL: 'https://mkj.example.cn/api/sync',
      MKJ_SYNC_TOKEN: 'abc.DEF-123',
    });
    for (const url of ['http://127.0.0.1:4010/sync', 'http://localhost:4010/sync']) {
      expect(loadConfig({ MKJ_SYNC_URL: url, MKJ_SYNC_TOKEN: 't' }).MKJ_SYNC_URL).toBe(url);
    }
    for (const url of [
      'http://mkj.example.cn/sync',
      'ftp://mkj.example.cn/',
      'mkj.example.cn',
      'mailto:a@b.cn',
    ]) {
      expect(() => loadConfig({ MKJ_SYNC_URL: url, MKJ_SYNC_TOKEN: 't' }), url).toThrowError(/MKJ_SYNC_URL/);
    }
    expect(loadConfig({ MKJ_SYNC_TIMEOUT_MS: '2500' }).MKJ_SYNC_TIMEOUT_MS).toBe(2500);
    expect(() => loadConfig({ MKJ_SYNC_TIMEOUT_MS: '60000' })).toThrowError(/MKJ_SYNC_TIMEOUT_MS/);
    expect(() => loadConfig({ MKJ_SYNC_TIMEOUT_MS: '10' })).toThrowError(/MKJ_SYNC_TIMEOUT_MS/);
  });

  it('requires MKJ_SYNC_TOKEN with MKJ_SYNC_URL, and never repeats a token in its message', () => {
    expect(() => loadConfig({ MKJ_SYNC_URL: 'https://mkj.example.cn/api/sync' })).toThrowError(
      /MKJ_SYNC_TOKEN/,
    );
    try {
      loadConfig({ MKJ_SYNC_URL: 'https://mkj.example.cn/api/sync', MKJ_SYNC_TOKEN: 'secret with spaces' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(['MKJ_SYNC_TOKEN']);
      expect((error as Error).message).not.toContain('secret');
    }
  });

  it('refuses a separate worker with the embedded database', () => {
    expect(() => loadConfig({ WORKER: 'off' })).toThrowError(/WORKER/);
    expect(loadConfig({ WORKER: 'off', DATABASE_URL: 'postgres://localhost/x' }).WORKER).toBe('off');
  });
});
