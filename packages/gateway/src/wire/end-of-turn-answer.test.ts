import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendRaw } from '../../test/support/raw-http';
import { answerAtEndOfTurn } from './end-of-turn-answer';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handle: (path: string, response: ServerResponse) => void): Promise<string> {
  const listening = createServer((request, response) => {
    request.resume();
    request.on('end', () => handle(request.url ?? '/', response));
  });
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

function json(text: string) {
  return { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) };
}

describe('answerAtEndOfTurn', () => {
  it('writes nothing before the turn ends, then the status, headers and body', async () => {
    let writtenSynchronously: boolean | undefined;
    const url = await serve((_path, response) => {
      answerAtEndOfTurn(
        response,
        203,
        { ...json('{"ok":true}'), 'x-cache': 'HIT_L1' },
        '{"ok":true}',
      );
      writtenSynchronously = response.headersSent;
    });
    const answer = await sendRaw(url, { method: 'POST', path: '/', body: 'x' });
    expect(writtenSynchronously).toBe(false);
    expect(answer.status).toBe(203);
    expect(answer.headers['x-cache']).toBe('HIT_L1');
    expect(answer.json).toEqual({ ok: true });
  });

  it('resolves once the answer is written, so what is measured after it includes the wait', async () => {
    const seen: boolean[] = [];
    const url = await serve((_path, response) => {
      void answerAtEndOfTurn(response, 200, json('{}'), '{}').then(() => {
        seen.push(response.headersSent);
      });
    });
    await sendRaw(url, { method: 'POST', path: '/', body: 'x' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([true]);
  });

  it('answers every request held in one turn, each with its own body', async () => {
    const url = await serve((path, response) => {
      const body = JSON.stringify({ path });
      answerAtEndOfTurn(response, 200, json(body), body);
    });
    const paths = Array.from({ length: 40 }, (_, index) => `/answer-${index}`);
    const answers = await Promise.all(
      paths.map((path) => sendRaw(url, { method: 'POST', path, body: path })),
    );
    expect(answers.map((answer) => answer.json.path)).toEqual(paths);
  });

  it('drops an answer whose client left and still writes the others of the turn', async () => {
    const held: ServerResponse[] = [];
    const url = await serve((path, response) => {
      held.push(response);
      if (held.length < 2) return;
      // Both requests are in; hold both answers in this turn, the first one's client gone.
      const [gone, kept] = held as [ServerResponse, ServerResponse];
      answerAtEndOfTurn(gone, 200, json('{"n":1}'), '{"n":1}');
      answerAtEndOfTurn(kept, 200, json(`{"path":"${path}"}`), `{"path":"${path}"}`);
      gone.destroy();
    });
    const first = sendRaw(url, { method: 'POST', path: '/first', body: '1' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = sendRaw(url, { method: 'POST', path: '/second', body: '2' });
    await expect(first).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await second).json).toEqual({ path: '/second' });
  });

  it('ends the connection of an answer whose headers Node refuses, not the whole turn', async () => {
    let count = 0;
    const url = await serve((_path, response) => {
      count += 1;
      const bad = count === 1;
      const headers = bad ? { ...json('{}'), 'x-bad': 'line\nbreak' } : json('{"fine":true}');
      answerAtEndOfTurn(response, 200, headers, bad ? '{}' : '{"fine":true}');
    });
    const [bad, fine] = await Promise.allSettled([
      sendRaw(url, { method: 'POST', path: '/bad', body: '1' }),
      sendRaw(url, { method: 'POST', path: '/fine', body: '2' }),
    ]);
    expect(bad.status).toBe('rejected');
    expect(fine.status === 'fulfilled' && fine.value.json).toEqual({ fine: true });
  });
});
