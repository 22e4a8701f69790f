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

  it('refuses a separate worker with the embedded database', () => {
    expect(() => loadConfig({ WORKER: 'off' })).toThrowError(/WORKER/);
    expect(loadConfig({ WORKER: 'off', DATABASE_URL: 'postgres://localhost/x' }).WORKER).toBe('off');
  });
});
