import { connect } from 'node:net';

/**
 * A few raw Redis commands (SELECT, DBSIZE, SCAN, FLUSHDB) for housekeeping of the bench's own
 * logical database. The stores themselves talk to Redis through @gatehouse/cache; this exists
 * because the cache package deliberately offers no FLUSHDB.
 */
export async function redisCommands(url: string, commands: string[][]): Promise<unknown[]> {
  const parsed = new URL(url);
  const prelude: string[][] = [];
  if (parsed.password) {
    prelude.push(
      parsed.username
        ? ['AUTH', decodeURIComponent(parsed.username), decodeURIComponent(parsed.password)]
        : ['AUTH', decodeURIComponent(parsed.password)],
    );
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '') prelude.push(['SELECT', db]);
  const all = [...prelude, ...commands];
  const socket = connect({ host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379) });
  socket.setTimeout(10_000);
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const replies: unknown[] = [];
    socket.on('timeout', () => socket.destroy(new Error('Redis did not answer in time')));
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write(all.map(encode).join(''));
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsedReply = parse(buffer, 0);
        if (!parsedReply) break;
        buffer = buffer.subarray(parsedReply.end);
        replies.push(parsedReply.value);
      }
      if (replies.length >= all.length) {
        socket.end();
        const failure = replies.find((reply) => reply instanceof Error);
        if (failure) reject(failure);
        else resolve(replies.slice(prelude.length));
      }
    });
  });
}

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

function parse(buffer: Buffer, start: number): { value: unknown; end: number } | null {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buffer[start]!);
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new Error(`Redis: ${line}`), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return null;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: unknown[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, at);
        if (!item) return null;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected Redis reply type "${type}"`);
  }
}

/**
 * Empties the bench's logical database — after checking that whatever is in it looks like
 * Gatehouse's own keys (`gh:…`), so a mistyped --redis-db cannot wipe somebody else's data.
 */
export async function flushBenchRedis(url: string): Promise<void> {
  const [size, scan] = (await redisCommands(url, [['DBSIZE'], ['SCAN', '0', 'COUNT', '500']])) as [
    number,
    [string, string[]],
  ];
  if (size > 0) {
    const foreign = scan[1].filter((key) => !key.startsWith('gh:'));
    if (foreign.length > 0) {
      throw new Error(
        `Redis ${url} holds keys that are not Gatehouse's (e.g. "${foreign[0]}"); refusing to FLUSHDB. Pick another --redis-db.`,
      );
    }
  }
  await redisCommands(url, [['FLUSHDB']]);
}

/** `used_memory` of the Redis server, MiB (whole server, all databases). */
export async function redisUsedMemoryMb(url: string): Promise<number | null> {
  try {
    const [info] = (await redisCommands(url, [['INFO', 'memory']])) as [string];
    const bytes = /used_memory:(\d+)/.exec(info)?.[1];
    return bytes ? Number(bytes) / 1024 / 1024 : null;
  } catch {
    return null;
  }
}

/** The redis-server process behind `url` (INFO server's process_id), for CPU accounting. */
export async function redisPid(url: string): Promise<number | null> {
  const [info] = (await redisCommands(url, [['INFO', 'server']])) as [string];
  const pid = /process_id:(\d+)/.exec(info)?.[1];
  return pid ? Number(pid) : null;
}
