import type { Config, Stores } from '@gatehouse/core';

/** What every service plugin is registered with. Built once per process by `openStores`. */
export interface ServiceOptions {
  config: Config;
  stores: Stores;
  /**
   * Whether this service answers the requests no route matches (default true). The
   * one-process stack sets it false on all services but one: Fastify keeps a single
   * not-found handler per prefix.
   */
  answersUnknownPaths?: boolean;
}
