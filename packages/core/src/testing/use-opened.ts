import { afterAll, beforeAll } from 'vitest';

/** Registers what to close after the tests; returns `value`, so opening reads as one line. */
export type Defer = <V>(value: V, close: (value: V) => Promise<unknown>) => V;

/** The handle's fields: each is there when read (a field never opened throws instead). */
export type Opened<T> = { readonly [K in keyof T]-?: NonNullable<T[K]> };

/**
 * A test file's fixture (stores, an app, a queue), opened before its tests — or those of the
 * `describe` it is called in — and closed after them, last opened first closed, also when
 * opening failed half-way. The handle's `fields` read what `open` gave, so tests read them
 * inside tests and hooks; read earlier, or never opened, they throw and say so.
 */
export function useOpened<T extends object>(
  fields: readonly (keyof T & string)[],
  open: (defer: Defer) => Promise<T>,
  options: { timeoutMs?: number } = {},
): Opened<T> {
  let opened: T | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    opened = await open((value, close) => {
      closers.push(() => close(value));
      return value;
    });
  }, options.timeoutMs);
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });
  const handle = {} as Opened<T>;
  for (const field of fields) {
    Object.defineProperty(handle, field, {
      enumerable: true,
      get() {
        if (opened === undefined)
          throw new Error(`${field} is opened in beforeAll: read it inside a test or a hook`);
        const value = opened[field];
        if (value === undefined) throw new Error(`${field} was not opened: the options asked for none`);
        return value;
      },
    });
  }
  return handle;
}
