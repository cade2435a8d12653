import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  hasRedisServerBinary,
  REDIS_REQUIRED,
  startPrivateRedisServer,
  waitFor,
} from '../../../test/support/redis-test-support';
import { ScriptPipeline, type ScriptPipelineOptions } from './script-pipeline';

const ECHO_SCRIPT = "return {KEYS[1], ARGV[1], tonumber(ARGV[2]) * 2, redis.call('GET', KEYS[1])}";
const LIMITS = { connectTimeoutMs: 1_000, commandTimeoutMs: 200, maxReconnectDelayMs: 50 };

function openPipeline(port: number, extra: Partial<ScriptPipelineOptions> = {}): ScriptPipeline {
  return new ScriptPipeline({ host: '127.0.0.1', port, ...LIMITS, ...extra });
}

describe.skipIf(!hasRedisServerBinary() && !REDIS_REQUIRED)('ScriptPipeline', () => {
  it('runs scripts by SHA with the replies a general client gets, many in one turn', async () => {
    await using server = await startPrivateRedisServer();
    const redis = new Redis(server.url);
    const pipeline = openPipeline(server.port);
    try {
      const sha = (await redis.script('LOAD', ECHO_SCRIPT)) as string;
      await redis.set('k:é', 'stored');
      await waitFor(() => pipeline.ready);
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, index) => pipeline.evalsha(sha, ['k:é'], ['ü', index])),
      );
      expect(replies[0]).toEqual(await redis.evalsha(sha, 1, 'k:é', 'ü', 0));
      expect(replies.map((reply) => (reply as unknown[])[2])).toEqual(
        Array.from({ length: 200 }, (_, index) => index * 2),
      );
      await expect(pipeline.evalsha('0'.repeat(40), [], [])).rejects.toMatchObject({
        name: 'ReplyError',
        message: expect.stringMatching(/^NOSCRIPT/),
      });
      // An error reply leaves the connection in step.
      expect(await pipeline.evalsha(sha, ['k:é'], ['a', 1])).toEqual(['k:é', 'a', 2, 'stored']);
    } finally {
      pipeline.close();
      redis.disconnect();
    }
  });

  it('rejects scripts in flight when Redis dies, and is ready again once it is back', async () => {
    await using server = await startPrivateRedisServer();
    const pipeline = openPipeline(server.port);
    try {
      await waitFor(() => pipeline.ready);
      const redis = new Redis(server.url);
      const sha = (await redis.script('LOAD', 'return redis.call("PING")')) as string;
      redis.disconnect();
      // Sent, then the server goes before answering: rejected, never resent.
      const inFlight = pipeline.evalsha(sha, [], []).then(
        () => new Error('resolved'),
        (error: Error) => error,
      );
      await server.kill();
      expect((await inFlight).message).toMatch(/closed/);
      expect(pipeline.ready).toBe(false);
      await expect(pipeline.evalsha(sha, [], [])).rejects.toThrow(/not ready/);

      await server.restart();
      await waitFor(() => pipeline.ready, 5_000);
      // A restarted server lost its scripts: NOSCRIPT tells the caller to load it.
      await expect(pipeline.evalsha(sha, [], [])).rejects.toThrow(/^NOSCRIPT/);
    } finally {
      pipeline.close();
    }
  });

  it('authenticates as the URL says, and stays not ready with a wrong password', async () => {
    await using server = await startPrivateRedisServer();
    const admin = new Redis(server.url);
    await admin.config('SET', 'requirepass', 's3cret');
    admin.disconnect();
    const right = openPipeline(server.port, { password: 's3cret', db: 2 });
    const wrong = openPipeline(server.port, { password: 'guess' });
    try {
      await waitFor(() => right.ready);
      const redis = new Redis({ port: server.port, password: 's3cret', db: 2 });
      await redis.set('only-in-db-2', 'yes');
      const sha = (await redis.script('LOAD', "return redis.call('GET', KEYS[1])")) as string;
      redis.disconnect();
      expect(await right.evalsha(sha, ['only-in-db-2'], [])).toBe('yes');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(wrong.ready).toBe(false);
    } finally {
      right.close();
      wrong.close();
    }
  });
});

describe('ScriptPipeline against a server that stops answering', () => {
  it('rejects a late reply after the command timeout, drops the connection and connects again', async () => {
    // Answers every connection's PING; answers EVALSHA only once told to.
    let answering = false;
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections += 1;
      let seen = '';
      socket.on('data', (chunk) => {
        seen += chunk.toString('latin1');
        if (seen.includes('PING')) {
          seen = '';
          socket.write('+PONG\r\n');
        } else if (seen.includes('EVALSHA') && answering) {
          seen = '';
          socket.write(':2\r\n');
        }
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const pipeline = openPipeline(port, { commandTimeoutMs: 100 });
    try {
      await waitFor(() => pipeline.ready);
      const started = performance.now();
      const late = pipeline.evalsha('a'.repeat(40), [], []);
      await expect(late).rejects.toThrow(/timed out after 100 ms/);
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(95);
      expect(waited).toBeLessThan(400);
      // The hung connection is dropped and a new one made: later commands do not queue behind it.
      await waitFor(() => connections === 2 && pipeline.ready);
      answering = true;
      expect(await pipeline.evalsha('b'.repeat(40), [], [])).toBe(2);
    } finally {
      pipeline.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
