import type { AuthorizationCodeData, AuthorizationCodeStore } from '@gatehouse/core';
import { decode, encode } from '../json.js';
import { assertSeconds } from '../seconds.js';
import type { Keyspace } from './keyspace.js';

interface StoredCode {
  json: string;
  spent: boolean;
}

export function memoryCodeStore(keyspace: Keyspace): AuthorizationCodeStore {
  const codes = keyspace.map<StoredCode>();
  return {
    async put(codeHash, data, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      codes.set(codeHash, { json: encode(data), spent: false }, ttlSeconds * 1000);
    },
    // No await between the read and the write: one process runs this to the end before another consumer starts.
    async consume(codeHash, retainSeconds) {
      assertSeconds('retainSeconds', retainSeconds);
      const code = codes.get(codeHash);
      if (!code) return { kind: 'not_found' };
      const data = decode<AuthorizationCodeData>(code.json)!;
      if (code.spent) return { kind: 'replayed', data };
      codes.set(codeHash, { json: code.json, spent: true }, retainSeconds * 1000);
      return { kind: 'fresh', data };
    },
  };
}
