/**
 * Hits are answered at the end of the event-loop turn, misses when upstream answers: on one
 * keep-alive connection carrying several requests at once (HTTP/1.1 pipelining), the answers must
 * still come back in request order, each with its own body.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ask } from '../../test/support/gateway-requests';
import { useMockGateway } from '../../test/support/mock-gateway';

function chatRequest(host: string, token: string, content: string): string {
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
  return (
    `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
    `X-Cachecore-Token: ${token}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Writes `requests` back to back on one connection and reads `requests.length` answers. */
function sendPipelined(
  baseUrl: string,
  requests: string[],
): Promise<Array<{ cache: string; content: string }>> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    const answers: Array<{ cache: string; content: string }> = [];
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const headEnd = received.indexOf('\r\n\r\n');
        if (headEnd === -1) break;
        const head = received.subarray(0, headEnd).toString('latin1');
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1]);
        if (received.length < headEnd + 4 + length) break;
        const body = received.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
        received = received.subarray(headEnd + 4 + length);
        answers.push({
          cache: /x-cache: *(\S+)/i.exec(head)?.[1] ?? '',
          content: JSON.parse(body).choices[0].message.content,
        });
      }
      if (answers.length === requests.length) {
        socket.end();
        resolve(answers);
      }
    });
    socket.on('error', reject);
    socket.write(requests.join(''));
  });
}

describe('pipelined requests on one connection', () => {
  const fixture = useMockGateway({ mockLatencyMs: 150 });

  it('answers a hit held for the end of the turn after the slower miss before it', async () => {
    const { gateway, token } = fixture;
    expect((await ask(gateway, token, 'cached question')).cache).toBe('MISS');
    const host = new URL(gateway.url).host;
    const answers = await sendPipelined(gateway.url, [
      chatRequest(host, token, 'fresh question one'),
      chatRequest(host, token, 'cached question'),
      chatRequest(host, token, 'cached question'),
      chatRequest(host, token, 'fresh question two'),
      chatRequest(host, token, 'cached question'),
    ]);
    expect(answers.map((answer) => answer.cache)).toEqual([
      'MISS',
      'HIT_L1',
      'HIT_L1',
      'MISS',
      'HIT_L1',
    ]);
    const [first, second, , fourth] = answers;
    expect(first?.content).toContain('fresh question one');
    expect(second?.content).toContain('cached question');
    expect(fourth?.content).toContain('fresh question two');
  });
});
