import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settings } from './config.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README configuration table', () => {
  it.each(settings.map((s) => [s.variable, s] as const))(
    'documents %s with its default',
    (variable, setting) => {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${variable}\` |`));
      expect(row, `README has no row for ${variable}`).toBeDefined();
      expect(row).toContain(` ${setting.defaultText} `);
    },
  );
});
