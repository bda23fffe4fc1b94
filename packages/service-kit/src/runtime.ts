/**
 * Process-level settings every Gatehouse service runs with in production: the Dockerfile sets
 * them (a test keeps it in step), and the local production topology and the benchmark start
 * their service processes with them. Both were measured on the benchmark (bench/README.md).
 */
export const SERVICE_RUNTIME_ENV = {
  // argon2id hashes (19 MiB each) run on libuv's threads; glibc gives each thread an arena and
  // keeps what it freed. Two arenas: 263 → 165 MiB after logins, at the same speed.
  MALLOC_ARENA_MAX: '2',
  // Requests allocate little; V8's default 16 MiB semi-spaces only hold garbage longer.
  // 4 MiB: peak RSS under load 145–160 → 109–114 MiB, throughput unchanged.
  NODE_OPTIONS: '--max-semi-space-size=4',
} as const;
