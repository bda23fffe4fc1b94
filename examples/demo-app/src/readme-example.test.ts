import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The SDK README's "complete integration" is this package's src/readme-example.ts,
 * character for character, so the typecheck compiles what the README shows.
 */
describe('the SDK README integration snippet', () => {
  const readme = readFileSync(new URL('../../../packages/sdk/README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');
  const snippet = /<!-- readme-example:[^>]*-->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];

  it('is identical to src/readme-example.ts', () => {
    expect(snippet).toBe(example);
  });

  it('is under 40 lines, and the README says how many', () => {
    const lines = example.trimEnd().split('\n').length;
    expect(lines).toBeLessThan(40);
    expect(readme).toContain(`## A complete integration (${lines} lines)`);
  });

  it('keeps the secret on the server and the tokens in a store', () => {
    expect(example).toContain('process.env.GATEHOUSE_CLIENT_SECRET');
    expect(example).toContain('httpOnly: true');
    expect(example).toContain("sameSite: 'lax'");
  });
});
