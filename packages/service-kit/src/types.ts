import type { Config, Stores } from '@gatehouse/core';

/** What every service plugin is registered with. Built once per process by `openStores`. */
export interface ServiceOptions {
  config: Config;
  stores: Stores;
}
