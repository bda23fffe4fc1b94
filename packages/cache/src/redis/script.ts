import type { RedisClient } from './connect.js';

export type RunScript = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * Registers a Lua script on the client (`EVALSHA`, falling back to `EVAL` once after a Redis
 * restart has emptied the script cache) and returns a function that runs it: one atomic round trip.
 * Scripts touch only the keys they are given, except where a comment says otherwise.
 */
export function defineScript(
  client: RedisClient,
  name: string,
  numberOfKeys: number,
  lua: string,
): RunScript {
  client.defineCommand(name, { numberOfKeys, lua });
  const run = (client as unknown as Record<string, RunScript | undefined>)[name];
  if (!run) throw new Error(`ioredis did not define the script ${name}`);
  return run.bind(client);
}
