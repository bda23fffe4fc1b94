import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import type { RedisClient } from './connect.js';

/** How long a single-use write waits for its replica's acknowledgement before it is refused. */
const REPLICA_ACK_TIMEOUT_MS = 250;
/**
 * After a failover the promoted master has no replica until the old one rejoins; for this
 * long after finding none, its writes skip the wait (a replica that attaches meanwhile must
 * sync in full before it could be promoted, which takes longer than this).
 */
const NO_REPLICA_MEMO_MS = 1000;

/**
 * SEC-75: on a Redis Cluster, a write that spends something single-use (an authorization
 * code, a device approval) is acknowledged by the master's replica before the caller may act
 * on it. Replication is asynchronous: without this, a master that dies right after answering
 * could be replaced by a replica that never saw the write, and the same code would be fresh
 * again. A master with no replica at all (nothing it could fail over to) needs no
 * acknowledgement; one whose replica does not answer in time makes the write fail (503).
 * Null on a single Redis, which has no failover of its own (see README: Sentinel).
 */
export function replicationGuard(client: RedisClient): ((key: string) => Promise<void>) | null {
  if (!(client instanceof Cluster)) return null;
  const withoutReplica = new WeakMap<object, number>();
  return async (key) => {
    const master = masterOf(client, key);
    if ((withoutReplica.get(master) ?? 0) > Date.now()) return;
    const acknowledged = await master.wait(1, REPLICA_ACK_TIMEOUT_MS);
    if (acknowledged >= 1) return;
    const replication = await master.info('replication');
    if (/^connected_slaves:0\s*$/m.test(replication)) {
      withoutReplica.set(master, Date.now() + NO_REPLICA_MEMO_MS);
      return;
    }
    throw new Error('the replica did not acknowledge a single-use write');
  };
}

/** The connection the cluster client sent `key`'s commands on: WAIT counts that connection's writes. */
function masterOf(cluster: Cluster, key: string) {
  const nodeKey = cluster.slots[calculateSlot(key)]?.[0];
  const master = cluster
    .nodes('master')
    .find((node) => `${node.options.host}:${node.options.port}` === nodeKey);
  if (!master) throw new Error(`no master serves the slot of ${key}`);
  return master;
}
