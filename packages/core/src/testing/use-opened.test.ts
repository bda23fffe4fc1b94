import { afterAll, describe, expect, it } from 'vitest';
import { useOpened } from './use-opened.js';

const events: string[] = [];

describe('useOpened', () => {
  const early: string[] = [];
  const handle = useOpened(['first', 'second', 'absent'], async (defer) => {
    const first = defer('one', async (value) => events.push(`close ${value}`));
    const second = defer('two', async (value) => events.push(`close ${value}`));
    return { first, second, absent: undefined as string | undefined };
  });
  try {
    void handle.first;
  } catch (error) {
    early.push((error as Error).message);
  }

  it('reads what was opened inside tests, and says so when read before beforeAll', () => {
    expect(handle.first).toBe('one');
    expect(handle.second).toBe('two');
    expect(early).toEqual(['first is opened in beforeAll: read it inside a test or a hook']);
  });

  it('throws for a field that was never opened', () => {
    expect(() => handle.absent).toThrow('absent was not opened');
  });
});

// Runs after the describe's own afterAll: the last opened is closed first.
afterAll(() => {
  expect(events).toEqual(['close two', 'close one']);
});
