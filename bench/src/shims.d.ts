// Neither autocannon 8 nor oidc-provider 9 ships type declarations; these cover what the bench uses.

declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request | null | undefined;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      pipelining?: number;
      timeout?: number;
      sampleInt?: number;
      maxOverallRequests?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
    }
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
      p99_9: number;
    }
    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram & { sent: number };
    }
    interface Instance extends EventEmitter {
      stop(): void;
    }
  }

  function autocannon(
    options: autocannon.Options,
    callback: (error: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance;

  export = autocannon;
}

declare module 'oidc-provider' {
  // biome-ignore lint/suspicious/noExplicitAny: the provider's surface is large and untyped here.
  export const Provider: any;
}

declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  // biome-ignore lint/suspicious/noExplicitAny: untyped upstream class.
  const MemoryAdapter: any;
  export default MemoryAdapter;
}

declare module 'oidc-provider/lib/helpers/lru.js' {
  // biome-ignore lint/suspicious/noExplicitAny: untyped upstream class.
  const LRU: any;
  export default LRU;
}
