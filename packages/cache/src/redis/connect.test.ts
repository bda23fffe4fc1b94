import { describe, expect, it } from 'vitest';
import { parseClusterUrl } from './connect.js';

describe('parseClusterUrl', () => {
  it('reads the seed nodes, credentials and TLS of a cluster URL', () => {
    expect(parseClusterUrl('redis+cluster://127.0.0.1:7100,127.0.0.1:7101')).toEqual({
      nodes: [
        { host: '127.0.0.1', port: 7100 },
        { host: '127.0.0.1', port: 7101 },
      ],
      redisOptions: {},
    });
    expect(parseClusterUrl('rediss+cluster://app:p%40ss@cache-0:6380/')).toEqual({
      nodes: [{ host: 'cache-0', port: 6380 }],
      redisOptions: { username: 'app', password: 'p@ss', tls: {} },
    });
  });

  it('leaves single-Redis URLs alone', () => {
    expect(parseClusterUrl('redis://127.0.0.1:6379')).toBeNull();
  });
});
