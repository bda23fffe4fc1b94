import { describe, expect, it } from 'vitest';
import { type RefreshFamilyState, refreshRefusal, standingOf } from './refresh-refusal.js';

const CREATED = new Date(1_700_000_000_000);
const ROTATED = new Date(1_700_000_600_000);

/** A family at generation 2: current token `h2`, immediate predecessor `h1`. */
function family(overrides: Partial<RefreshFamilyState> = {}): RefreshFamilyState {
  return {
    id: 'fam',
    generation: 2,
    tokenHash: 'h2',
    previousHash: 'h1',
    clientId: 1,
    userId: 7,
    scopes: ['profile'],
    rotatedAt: ROTATED,
    revokedAt: null,
    createdAt: CREATED,
    expiresAt: new Date(1_800_000_000_000),
    authTime: 1_700_000_000,
    sid: 'sid-1',
    ...overrides,
  };
}

describe('standingOf', () => {
  it('reads the current token as live, with the family grant', () => {
    expect(standingOf(family(), 'h2', 2, false)).toEqual({
      tokenHash: 'h2',
      familyId: 'fam',
      generation: 2,
      clientId: 1,
      userId: 7,
      scopes: ['profile'],
      rotatedAt: null,
      replacedByHash: null,
      revokedAt: null,
      createdAt: CREATED,
      expiresAt: new Date(1_800_000_000_000),
      authTime: 1_700_000_000,
      sid: 'sid-1',
    });
    expect(refreshRefusal(standingOf(family(), 'h2', 2, false), 1, CREATED.getTime(), [], true)).toBeNull();
  });

  it('reads the immediate predecessor as spent at the last rotation, naming its successor', () => {
    const record = standingOf(family(), 'h1', 1, false);
    expect(record).toMatchObject({ generation: 1, rotatedAt: ROTATED, replacedByHash: 'h2' });
    expect(refreshRefusal(record, 1, CREATED.getTime(), [], true)).toBe('reused');
  });

  it('reads an older spent token only with proof of membership, and without a successor', () => {
    expect(standingOf(family(), 'h0', 0, false)).toBeNull();
    expect(standingOf(family(), 'h0', 0, true)).toMatchObject({
      generation: 0,
      rotatedAt: ROTATED,
      replacedByHash: null,
    });
  });

  it('falls back to the creation time when the family never recorded a rotation', () => {
    expect(standingOf(family({ rotatedAt: null }), 'h0', 0, true)?.rotatedAt).toEqual(CREATED);
  });

  it('never finds a generation the family has not reached (an undone rotation’s token)', () => {
    expect(standingOf(family(), 'h3', 3, true)).toBeNull();
  });

  it('does not take a hash for current or predecessor at the wrong generation', () => {
    expect(standingOf(family(), 'h2', 1, false)).toBeNull();
    expect(standingOf(family(), 'h1', 2, false)).toBeNull();
    // With membership proven, the current hash at an older generation is a spent token.
    expect(standingOf(family(), 'h2', 1, true)).toMatchObject({ rotatedAt: ROTATED, replacedByHash: null });
  });
});
