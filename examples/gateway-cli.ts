// pnpm example gateway-cli
//
// Any OpenAI SDK works with a Cachecore gateway by swapping its base URL and adding the tenant
// token header: no Cachecore package on the client side. This example starts the gateway CLI
// (`cachecore-gateway --upstream mock`), mints a token with its `token` command, and points the
// plain `openai` client at it. With CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT set, it uses
// that gateway instead.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';

const JWT_SECRET = 'example-secret';
const MOCK_LATENCY_MS = process.env.CACHECORE_DEMO_MOCK_LATENCY_MS ?? '300';

let gatewayUrl = process.env.CACHECORE_GATEWAY_URL;
let tenantJwt = process.env.CACHECORE_TENANT_JWT;
let gatewayProcess: ChildProcess | undefined;
if (!gatewayUrl || !tenantJwt) {
  gatewayProcess = spawn(
    process.execPath,
    [
      ...gatewayCommand(),
      '--port',
      '0',
      '--upstream',
      'mock',
      '--mock-latency-ms',
      MOCK_LATENCY_MS,
      '--jwt-secret',
      JWT_SECRET,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  gatewayUrl = await readListeningUrl(gatewayProcess);
  const { stdout } = await promisify(execFile)(process.execPath, [
    ...gatewayCommand(),
    'token',
    '--tenant',
    'cli-example',
    '--jwt-secret',
    JWT_SECRET,
  ]);
  tenantJwt = stdout.trim();
}
console.log(`Using the gateway at ${gatewayUrl}`);

try {
  // The only changes to a plain OpenAI client: the base URL and one header.
  const openai = new OpenAI({
    baseURL: `${gatewayUrl}/v1`,
    apiKey: 'unused', // the gateway holds the upstream key
    defaultHeaders: { 'X-Cachecore-Token': tenantJwt },
  });
  for (const question of ['Is the Louvre open on Tuesdays?', 'Is the Louvre open on Tuesdays?']) {
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] })
      .withResponse();
    console.log(
      `${response.headers.get('x-cache')} "${question}" → ${data.choices[0]?.message.content}`,
    );
  }
} finally {
  if (gatewayProcess) {
    gatewayProcess.kill('SIGTERM');
    await once(gatewayProcess, 'exit');
  }
}

/**
 * `node <args>` that runs the gateway CLI: the built bin when the package is built, otherwise its
 * TypeScript source through tsx (this repository needs no build step).
 */
function gatewayCommand(): string[] {
  const packageDir = fileURLToPath(new URL('../packages/gateway/', import.meta.url));
  if (existsSync(`${packageDir}dist/cli.js`)) return [`${packageDir}bin/cachecore-gateway.js`];
  return [
    '--conditions=@cachecore/source',
    '--import',
    import.meta.resolve('tsx'),
    `${packageDir}src/cli.ts`,
  ];
}

/** Waits for the CLI's `cachecore-gateway listening on http://HOST:PORT` line. */
async function readListeningUrl(child: ChildProcess): Promise<string> {
  if (!child.stdout) throw new Error('the gateway has no stdout');
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the gateway exited with code ${code} before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const url = line.match(/listening on (http:\/\/\S+)/)?.[1];
      if (url) {
        // Keep draining stdout so the gateway never blocks on a full pipe.
        child.stdout?.resume();
        return url;
      }
    }
    throw new Error('the gateway closed its output before listening');
  })();
  return Promise.race([listening, exited]);
}
