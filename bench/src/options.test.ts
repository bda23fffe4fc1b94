import { describe, expect, it } from 'vitest';
import { parseOptions, poolSizeFor } from './options.js';

describe('parseOptions', () => {
  it('defaults to 10 s windows, 50 connections, every scenario', () => {
    const options = parseOptions([]);
    expect(options).toMatchObject({ duration: 10, connections: 50, only: [], stackEnv: {}, smoke: false });
  });

  it('passes --stack-env NAME=VALUE pairs to the stack, in both spellings', () => {
    const options = parseOptions([
      '--stack-env',
      'DATABASE_POOL_SIZE=8',
      '--stack-env=LOG_LEVEL=info',
      '--stack-env',
      'ISSUER=http://x/?a=b',
    ]);
    expect(options.stackEnv).toEqual({ DATABASE_POOL_SIZE: '8', LOG_LEVEL: 'info', ISSUER: 'http://x/?a=b' });
  });

  it('refuses a --stack-env without NAME=VALUE', () => {
    expect(() => parseOptions(['--stack-env'])).toThrow(/NAME=VALUE/);
    expect(() => parseOptions(['--stack-env', 'pool=8'])).toThrow(/NAME=VALUE/);
  });

  it('refuses unknown flags and scenarios', () => {
    expect(() => parseOptions(['--fast'])).toThrow(/unknown flag --fast/);
    expect(() => parseOptions(['--only', 'refresh,nope'])).toThrow(/unknown scenario "nope"/);
  });

  it('sizes single-use pools for warm-up plus window, or takes a fixed size', () => {
    const options = parseOptions(['--duration', '5', '--warmup', '1', '--pool-rate', '100']);
    expect(poolSizeFor(options)).toBe(100 * 6 + 4 * 50);
    expect(poolSizeFor(parseOptions(['--smoke']))).toBe(400);
  });
});
