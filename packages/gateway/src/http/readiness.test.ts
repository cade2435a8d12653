import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../gateway';

const SECRET = 'readiness-secret';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('GET /health and GET /ready', () => {
  it('is live and ready with its own store', async () => {
    const gateway = await startGateway({ upstream: 'mock', jwtSecret: SECRET, logLevel: 'silent' });
    expect(await (await fetch(`${gateway.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gateway.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'memory' });
    await gateway.close();
  });

  it('is live but not ready while its Redis store is unreachable', async () => {
    await using gateway = await startGateway({
      upstream: 'mock',
      jwtSecret: SECRET,
      logLevel: 'silent',
      store: `redis://127.0.0.1:${await closedPort()}/0`,
    });
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}/ready`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).reason).toMatch(/redis store is not reachable/);
  });
});
