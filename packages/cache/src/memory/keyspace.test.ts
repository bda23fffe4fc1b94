import { afterEach, describe, expect, it, vi } from 'vitest';
import { Keyspace } from './keyspace.js';

describe('Keyspace', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('frees expired entries on its periodic sweep, which close stops', () => {
    vi.useFakeTimers();
    const keyspace = new Keyspace(Date.now);
    const map = keyspace.map<string>();
    map.set('short', 'a', 1000);
    map.set('long', 'b', 120_000);
    // Nobody reads 'short' again: only the sweep can free it.
    vi.advanceTimersByTime(30_000);
    expect(map.size).toBe(1);
    expect(map.get('long')).toBe('b');
    expect(vi.getTimerCount()).toBe(1);
    keyspace.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(map.size).toBe(0);
  });

  it('drops an expired entry as soon as it is read', () => {
    let now = 0;
    const keyspace = new Keyspace(() => now);
    const map = keyspace.map<number>();
    map.set('k', 1, 1000);
    now = 1000;
    expect(map.get('k')).toBeUndefined();
    expect(map.size).toBe(0);
    keyspace.close();
  });

  it('replace keeps the expiry; msLeft and delete see only live entries', () => {
    let now = 0;
    const keyspace = new Keyspace(() => now);
    const map = keyspace.map<number>();
    map.set('k', 1, 1000);
    now = 400;
    expect(map.replace('k', 2)).toBe(true);
    expect(map.msLeft('k')).toBe(600);
    now = 1000;
    expect(map.replace('k', 3)).toBe(false);
    expect(map.msLeft('k')).toBe(0);
    expect(map.delete('k')).toBe(false);
    keyspace.close();
  });
});
