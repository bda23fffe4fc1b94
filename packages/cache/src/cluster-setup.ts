import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const SCRIPTS = fileURLToPath(new URL('../../../.ci/', import.meta.url));
const DIR = '/tmp/gatehouse-redis-cluster-cache-tests';
const env = { ...process.env, REDIS_CLUSTER_DIR: DIR, REDIS_CLUSTER_BASE_PORT: '7100' };

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis+cluster://…` of the local 3+3 cluster, or '' when this run has none. */
    redisClusterUrl: string;
    redisClusterDir: string;
  }
}

/**
 * One local Redis Cluster (3 masters + 3 replicas, .ci/redis-cluster-up) for the whole run,
 * in the real-services mode (REDIS_URL set) where Debian's redis-server is installed; the
 * files that need it share it, and it is stopped by PID afterwards.
 */
export default function setup(project: TestProject) {
  const wanted = Boolean(process.env.REDIS_URL) && existsSync('/usr/bin/redis-server');
  if (!wanted) {
    project.provide('redisClusterUrl', '');
    project.provide('redisClusterDir', '');
    return;
  }
  const url = execFileSync(`${SCRIPTS}redis-cluster-up`, { env, encoding: 'utf8' }).trim();
  project.provide('redisClusterUrl', url);
  project.provide('redisClusterDir', DIR);
  return () => {
    execFileSync(`${SCRIPTS}redis-cluster-down`, { env, stdio: 'inherit' });
  };
}
