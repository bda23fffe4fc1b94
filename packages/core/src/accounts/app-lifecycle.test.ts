import { describe, expect, it } from 'vitest';
import type { Client } from '../ports/clients.js';
import { secretToShow } from './app-lifecycle.js';

const client = { id: 1, clientId: 'gh_app' } as Client;

describe('secretToShow', () => {
  it('shows a new or rotated secret once, saying why', () => {
    expect(secretToShow({ client, clientSecret: 's3cret' }, 'created')).toEqual({
      value: 's3cret',
      reason: 'created',
    });
    expect(secretToShow({ client, clientSecret: 's3cret' }, 'rotated')).toEqual({
      value: 's3cret',
      reason: 'rotated',
    });
  });

  it('shows nothing for a public client, which has no secret (SEC-50)', () => {
    expect(secretToShow({ client, clientSecret: null }, 'created')).toBeNull();
  });
});
