import { describe, expect, it } from 'vitest';
import { addressClass, destinationAllowed, webhookUrlProblem } from './destination.js';

const production = { production: true };
const development = { production: false };

describe('webhookUrlProblem (SEC-93)', () => {
  it('accepts https anywhere', () => {
    expect(webhookUrlProblem('https://app.example/hooks/gatehouse?x=1', production)).toBeNull();
  });

  it('allows http only for loopback and only outside production', () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://[::1]:9/h', 'http://localhost:3000/h']) {
      expect(webhookUrlProblem(url, development)).toBeNull();
      expect(webhookUrlProblem(url, production)).toMatch(/https/);
    }
    expect(webhookUrlProblem('http://app.example/hook', development)).toMatch(/loopback/);
    expect(webhookUrlProblem('http://10.0.0.1/hook', development)).toMatch(/loopback/);
  });

  it('refuses other schemes, credentials, fragments and garbage', () => {
    expect(webhookUrlProblem('ftp://app.example/', development)).toMatch(/https/);
    expect(webhookUrlProblem('https://user:pw@app.example/', production)).toMatch(/user name/);
    expect(webhookUrlProblem('https://app.example/#x', production)).toMatch(/fragment/);
    expect(webhookUrlProblem('not a url', production)).toMatch(/absolute/);
    expect(webhookUrlProblem(`https://app.example/${'a'.repeat(2000)}`, production)).toMatch(/at most/);
  });
});

describe('addressClass', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'reserved'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00::1', 'private'],
    ['fc12:3456::1', 'private'],
    ['ff02::1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['2001:0:4136:e378::1', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(addressClass(address)).toBe(kind);
  });

  it.each([
    '',
    'localhost',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1::2::3',
    'g::1',
    '1:2:3:4:5:6:7:8:9',
  ])('%s is not an address', (text) => {
    expect(addressClass(text)).toBeNull();
  });
});

describe('destinationAllowed (SEC-93)', () => {
  it('production allows only public unicast', () => {
    expect(destinationAllowed('93.184.216.34', production)).toBe(true);
    expect(destinationAllowed('2606:4700:4700::1111', production)).toBe(true);
    for (const a of [
      '127.0.0.1',
      '::1',
      '10.0.0.1',
      '192.168.0.10',
      '169.254.169.254',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      expect(destinationAllowed(a, production)).toBe(false);
    }
  });

  it('development also allows loopback and private networks, never link-local (cloud metadata)', () => {
    expect(destinationAllowed('127.0.0.1', development)).toBe(true);
    expect(destinationAllowed('::1', development)).toBe(true);
    expect(destinationAllowed('192.168.0.10', development)).toBe(true);
    expect(destinationAllowed('169.254.169.254', development)).toBe(false);
    expect(destinationAllowed('0.0.0.0', development)).toBe(false);
    expect(destinationAllowed('not-an-ip', development)).toBe(false);
  });
});
