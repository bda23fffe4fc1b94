import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentedDefault, settings } from './config.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README configuration table', () => {
  it.each(settings.map((s) => [s.variable, s] as const))(
    'documents %s with its default',
    (variable, setting) => {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${variable}\` |`));
      expect(row, `README has no row for ${variable}`).toBeDefined();
      expect(row).toContain(` ${documentedDefault(setting)} `);
    },
  );

  // A written-out default that equals the parsed one is the same default twice: it drifts.
  it.each(settings.filter((s) => s.defaultText !== undefined).map((s) => [s.variable, s] as const))(
    '%s writes its default out only because parsing cannot show it',
    (_variable, setting) => {
      const parsed = setting.parse(undefined, {});
      expect(setting.defaultText).not.toBe(parsed === null ? '(unset)' : String(parsed));
    },
  );
});
