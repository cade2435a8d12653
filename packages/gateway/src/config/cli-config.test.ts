import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, formatHelp, parseServerArgs, resolveCliConfig } from './cli-config';

describe('the --anonymous setting', () => {
  let workDir: string;
  let configPath: string;
  const env = { CACHECORE_JWT_SECRET: 'cli-config-secret' };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cachecore-cli-config-'));
    configPath = join(workDir, 'gateway.toml');
    await writeFile(configPath, 'anonymous = "reject"\n');
  });
  afterAll(() => rm(workDir, { recursive: true, force: true }));

  const resolve = (argv: string[], extraEnv: Record<string, string> = {}) =>
    resolveCliConfig(parseServerArgs(argv).values, { ...env, ...extraEnv });

  it('reads the flag, CACHECORE_ANONYMOUS and the TOML key, flag first', async () => {
    expect((await resolve(['--anonymous', 'reject'])).options.anonymous).toBe('reject');
    expect((await resolve([], { CACHECORE_ANONYMOUS: 'reject' })).options.anonymous).toBe('reject');
    expect((await resolve(['--config', configPath])).options.anonymous).toBe('reject');
    const flagWins = await resolve(['--config', configPath, '--anonymous', 'allow'], {
      CACHECORE_ANONYMOUS: 'reject',
    });
    expect(flagWins.options.anonymous).toBe('allow');
    expect(flagWins.display.anonymous).toBe('allow');
    expect((await resolve([])).options.anonymous).toBeUndefined();
  });

  it('refuses a value other than allow or reject', async () => {
    await expect(resolve(['--anonymous', 'yes'])).rejects.toThrow(ConfigError);
    await expect(resolve([], { CACHECORE_ANONYMOUS: 'open' })).rejects.toThrow(
      'Invalid --anonymous "open": use allow or reject.',
    );
  });

  it('is described in --help with its default', () => {
    expect(formatHelp()).toMatch(/--anonymous VALUE +Requests without a tenant token: allow/);
    expect(formatHelp()).toContain('reject when listening beyond loopback');
  });
});
