#!/usr/bin/env node
// `pnpm start` / `pnpm start:provider`: runs the built provider (and the demo app) in the
// foreground with the caller's whole environment, one prefixed line per output line.
//
// Why not `turbo run start`: turbo filters the environment (strict mode), and on Ctrl-C it
// signals the pnpm wrappers rather than the servers, so they were killed before draining
// (PGlite closed uncleanly) and every layer printed "ELIFECYCLE Command failed". Here each
// server runs in its own process group, gets exactly one SIGINT, drains, and exits 0.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const providerOnly = process.argv.includes('--provider-only');

const servers = [
  { name: 'gatehouse', cwd: `${root}services/stack` },
  ...(providerOnly ? [] : [{ name: 'demo-app', cwd: `${root}examples/demo-app` }]),
];
// A DATA_DIR the caller names is relative to where they typed the command (pnpm's INIT_CWD),
// not to the server's folder; unset, the stack keeps its data in services/stack/.data.
const env = { ...process.env };
if (env.DATA_DIR) env.DATA_DIR = resolve(env.INIT_CWD ?? process.cwd(), env.DATA_DIR);

const width = Math.max(...servers.map((s) => s.name.length));

let stopping = false;
let exitCode = 0;
const running = new Set();

function prefixLines(name, stream, target) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) target.write(`${name.padEnd(width)} │ ${line}\n`);
  });
  stream.on('end', () => {
    if (pending) target.write(`${name.padEnd(width)} │ ${pending}\n`);
  });
}

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of running) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

for (const server of servers) {
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: server.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: Ctrl-C reaches it once, through stopAll
  });
  running.add(child);
  prefixLines(server.name, child.stdout, process.stdout);
  prefixLines(server.name, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    running.delete(child);
    if (!stopping) {
      // One server ended on its own (a bad setting, a port in use): stop the rest too.
      process.stderr.write(`${server.name} stopped (${signal ?? `exit code ${code}`}); stopping the others\n`);
      exitCode = code || 1;
      stopAll('SIGTERM');
    } else if (code !== 0 && code !== null) {
      exitCode = code;
    }
    if (running.size === 0) process.exit(exitCode);
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (!stopping) process.stdout.write('\nstopping (the servers finish their requests and close their stores)…\n');
    stopAll(signal);
  });
}
