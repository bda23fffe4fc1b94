import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settings } from './config.js';

describe('loadConfig', () => {
  it('starts on embedded defaults with no environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      issuer: 'http://localhost:3000',
      databaseUrl: null,
      redisUrl: null,
      env: 'development',
      accessTokenTtl: 7200,
      refreshTokenTtl: 2592000,
      refreshGraceSeconds: 0,
      quotaPerUnit: 500000n,
      currency: 'USD',
      seedDemoData: true,
    });
  });

  it('derives the default issuer from PORT and strips trailing slashes', () => {
    expect(loadConfig({ PORT: '4100' }).issuer).toBe('http://localhost:4100');
    expect(loadConfig({ ISSUER: 'https://auth.example.com/' }).issuer).toBe('https://auth.example.com');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ISSUER: 'not a url' }, 'ISSUER'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ GATEHOUSE_ENV: 'staging' }, 'GATEHOUSE_ENV'],
    [{ GATEHOUSE_ADMIN_TOKEN: 'short' }, 'GATEHOUSE_ADMIN_TOKEN'],
    [{ CURRENCY: 'usd' }, 'CURRENCY'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
  ])('rejects %o naming the variable', (env, variable) => {
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as ConfigError).message).toContain(variable);
    }
  });

  describe('production', () => {
    const prod = {
      GATEHOUSE_ENV: 'production',
      ISSUER: 'https://auth.example.com',
      DATABASE_URL: 'postgres://db/gatehouse',
      REDIS_URL: 'redis://cache:6379',
      GATEHOUSE_KEY_ENCRYPTION_KEY: 'k'.repeat(32),
    };

    it('accepts a Redis Cluster named by some of its nodes, and refuses a malformed one', () => {
      const cluster = 'redis+cluster://:secret@10.0.0.1:7000,10.0.0.2:7000';
      expect(loadConfig({ ...prod, REDIS_URL: cluster }).redisUrl).toBe(cluster);
      expect(loadConfig({ ...prod, REDIS_URL: 'rediss+cluster://cache-0:6380' }).redisUrl).toMatch(
        /^rediss\+/,
      );
      expect(() => loadConfig({ ...prod, REDIS_URL: 'redis+cluster://10.0.0.1,10.0.0.2' })).toThrow(
        /REDIS_URL/,
      );
    });

    it('accepts a complete production configuration and turns demo data off', () => {
      const config = loadConfig(prod);
      expect(config.env).toBe('production');
      expect(config.seedDemoData).toBe(false);
    });

    it.each([
      [{ ...prod, ISSUER: 'http://auth.example.com' }, 'ISSUER'],
      [{ ...prod, DATABASE_URL: '' }, 'DATABASE_URL'],
      [{ ...prod, REDIS_URL: undefined }, 'REDIS_URL'],
      [{ ...prod, SEED_DEMO_DATA: 'true' }, 'SEED_DEMO_DATA'],
      [{ ...prod, GATEHOUSE_KEY_ENCRYPTION_KEY: undefined }, 'GATEHOUSE_KEY_ENCRYPTION_KEY'],
      [{ ...prod, GATEHOUSE_KEY_ENCRYPTION_KEY: 'short' }, 'GATEHOUSE_KEY_ENCRYPTION_KEY'],
    ])('refuses %o', (env, variable) => {
      expect(() => loadConfig(env)).toThrowError(new RegExp(variable));
    });
  });

  it('documents every key', () => {
    for (const setting of settings) {
      expect(setting.description.length).toBeGreaterThan(10);
      expect(setting.variable).toMatch(/^[A-Z_]+$/);
    }
  });
});
