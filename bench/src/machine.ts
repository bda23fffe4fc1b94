import { cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started: other work on the machine skews every number. */
  loadAtStart: number;
  /** Filled in when the run used Postgres / Redis. */
  postgres?: string;
  redis?: string;
  /** Gatehouse's commit durability: the bench database's `synchronous_commit`, `fsync`, `wal_sync_method`. */
  postgresDurability?: string;
  /** The durable peer's: its redis-server's `appendonly` / `appendfsync`. */
  peerDurability?: string;
}

export function describeMachine(): Machine {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown CPU',
    cores: cpu.length,
    memoryGb: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    node: process.version,
    loadAtStart: loadavg()[0] ?? 0,
  };
}
