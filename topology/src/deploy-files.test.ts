import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settings } from '@gatehouse/core';
import { SERVICE_RUNTIME_ENV } from '@gatehouse/service-kit';
import { describe, expect, it } from 'vitest';
import { CADDYFILE, REPO_DIR } from './topology.js';

const envExample = readFileSync(join(REPO_DIR, '.env.example'), 'utf8');
const compose = readFileSync(join(REPO_DIR, 'docker-compose.yml'), 'utf8');
const caddyfile = readFileSync(CADDYFILE, 'utf8');
const dockerfile = readFileSync(join(REPO_DIR, 'Dockerfile'), 'utf8');

/** Names written as `NAME=` at the start of a line or of a comment line. */
const documented = new Set(
  [...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)(?==|\s)/gm)].map((match) => match[1]),
);

describe('deployment files stay in step', () => {
  it.each(settings.map((s) => s.variable))('.env.example documents %s', (variable) => {
    expect(documented.has(variable), `${variable} is missing from .env.example`).toBe(true);
  });

  it('.env.example documents every variable docker-compose.yml reads', () => {
    const used = new Set([...compose.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!));
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('compose gives the gateway every placeholder the Caddyfile reads', () => {
    const placeholders = new Set([...caddyfile.matchAll(/\{\$([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!));
    const gateway = compose.slice(compose.indexOf('\n  gateway:'), compose.indexOf('\n  demo-app:'));
    for (const name of placeholders) expect(gateway, name).toMatch(new RegExp(`\\n\\s+${name}:`));
  });

  it('compose runs every service in production, behind the gateway only', () => {
    expect(compose).toMatch(/GATEHOUSE_ENV: production/);
    expect(compose).toMatch(/TRUST_PROXY: \$\{GATEWAY_IP/);
    const services = compose.slice(compose.indexOf('\nservices:\n'), compose.indexOf('\nnetworks:\n'));
    const blocks = services.split(/\n(?= {2}[a-z][a-z-]*:\n)/).slice(1);
    const published = blocks.filter((block) => /\n {4}ports:/.test(block));
    const name = (block: string) => block.split(':')[0]!.trim();
    // The operators' tools publish on loopback only: never reachable from outside the host.
    const loopbackOnly = (block: string) =>
      [...block.matchAll(/\n {6}- "([^"]+)"/g)].every(([, mapping]) => mapping!.startsWith('127.0.0.1:'));
    expect(
      published
        .filter((block) => !loopbackOnly(block))
        .map(name)
        .sort(),
    ).toEqual(['demo-app', 'gateway']);
    expect(published.filter(loopbackOnly).map(name).sort()).toEqual(['grafana', 'prometheus']);
  });

  it('the service image runs with SERVICE_RUNTIME_ENV (malloc arenas, V8 semi-spaces)', () => {
    const image = dockerfile.slice(dockerfile.indexOf(' AS gatehouse\n'));
    const line = Object.entries(SERVICE_RUNTIME_ENV)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    expect(image).toContain(`\nENV ${line}\n`);
  });

  it('the gateway routes exactly the token and resource prefixes of API.md', () => {
    const matcher = (name: string) =>
      new RegExp(`@${name} path (.*)`).exec(caddyfile)?.[1]?.trim().split(/\s+/).sort();
    expect(matcher('token')).toEqual([
      '/api/oauth2/device_authorization',
      '/api/oauth2/introspect',
      '/api/oauth2/revoke',
      '/api/oauth2/token',
    ]);
    expect(matcher('resource')).toEqual([
      '/api/admin/*',
      '/api/oauth2/topup',
      '/api/oauth2/userinfo',
      '/api/oauth_apps',
      '/api/oauth_apps/*',
    ]);
  });
});
