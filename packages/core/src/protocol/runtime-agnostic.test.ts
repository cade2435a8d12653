import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The protocol module is imported by browsers, edge runtimes and the Node gateway alike
// (PROTOCOL.md, "The protocol module"): it may use web-standard globals only.
describe('the protocol module', () => {
  const directory = new URL('.', import.meta.url);
  const sources = readdirSync(directory).filter(
    (name) => name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(name),
  );

  it.each(sources)('%s uses no Node built-in and no Buffer', (name) => {
    const source = readFileSync(new URL(name, directory), 'utf8');
    expect(source).not.toMatch(/from ['"]node:/);
    expect(source).not.toMatch(/\bBuffer\s*[.(]/);
    expect(source).not.toMatch(/\bprocess\./);
    // Only sibling modules: the protocol depends on nothing else in the package.
    for (const [, specifier] of source.matchAll(/from ['"]([^'"]+)['"]/g)) {
      expect(specifier).toMatch(/^\.\/[a-z0-9-]+$/);
    }
  });
});
