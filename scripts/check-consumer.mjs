#!/usr/bin/env node
// Installs the packed @cachecore/* tarballs into a fresh project, next to the newest host SDKs
// from the registry, starts the packed gateway CLI with its mock upstream, and runs the first
// TypeScript example of every package README unchanged. What users install is what is checked.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packages = ['core', 'gateway', 'openai', 'langchain', 'vercel-ai'];
const packDir = join(root, '.pack');
rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir);

const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });
// pnpm is a root devDependency, so the packed artefacts are made by the same pnpm as the lockfile.
const pnpm = [join(root, 'node_modules', '.bin', 'pnpm')];

for (const name of packages) {
  run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', packDir], {
    cwd: join(root, 'packages', name),
  });
}
const tarballs = readdirSync(packDir)
  .filter((f) => f.endsWith('.tgz'))
  .map((f) => join(packDir, f));
console.log(`packed: ${tarballs.map((t) => t.split('/').pop()).join(', ')}`);

const project = mkdtempSync(join(tmpdir(), 'cachecore-consumer-'));
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
);
run(
  'npm',
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...tarballs,
    'openai@latest',
    '@langchain/openai@latest',
    '@langchain/core@latest',
    'ai@latest',
    // The AI SDK provider's peer, paired with `ai` deliberately.
    '@ai-sdk/openai-compatible@latest',
    'zod@latest',
    'tsx@4',
  ],
  { cwd: project },
);
const versions = ['openai', '@langchain/openai', 'ai'].map(
  (p) =>
    `${p}@${JSON.parse(readFileSync(join(project, 'node_modules', p, 'package.json'), 'utf8')).version}`,
);
console.log(`consumer installed ${versions.join(', ')}`);

const bin = join(project, 'node_modules', '.bin');
const secret = 'consumer-check-secret-0123456789abcdef';
const token = run(
  join(bin, 'cachecore-gateway'),
  ['token', '--tenant', 'consumer', '--jwt-secret', secret],
  {
    cwd: project,
  },
).trim();

const gateway = spawn(
  join(bin, 'cachecore-gateway'),
  ['--port', '0', '--upstream', 'mock', '--mock-latency-ms', '20', '--jwt-secret', secret],
  { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] },
);
const gatewayUrl = await new Promise((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 20_000);
  gateway.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
  gateway.on('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${out}`)));
});
console.log(`packed gateway listening on ${gatewayUrl}`);

let failures = 0;
try {
  for (const name of packages) {
    const readme = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    if (!example) {
      console.error(`FAIL ${name}: README has no \`\`\`ts example`);
      failures++;
      continue;
    }
    const file = join(project, `readme-${name}.ts`);
    writeFileSync(file, example);
    try {
      run(join(bin, 'tsx'), [file], {
        cwd: project,
        env: { ...process.env, CACHECORE_GATEWAY_URL: gatewayUrl, CACHECORE_TENANT_JWT: token },
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: 60_000,
      });
      console.log(`ok   ${name}: README example ran against the packed packages`);
    } catch (error) {
      console.error(`FAIL ${name}: README example failed (${error.message.split('\n')[0]})`);
      failures++;
    }
  }
} finally {
  gateway.kill('SIGTERM');
  rmSync(project, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
