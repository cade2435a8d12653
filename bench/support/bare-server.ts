// A bare node:http server, the baseline the gateway and the transport are measured against. Run
// as its own process (`node --import tsx bare-server.ts`); prints `listening on http://HOST:PORT`.
//
// - POST (any path): reads the body, answers the bytes of BARE_RESPONSE_FILE (JSON:
//   { headers, body }) or a small chat completion by default.
// - GET /sse: an SSE stream whose first event is written at once, then four more and `[DONE]`.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadCannedResponse } from './canned-response';

const { headers, body } = loadCannedResponse();

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/sse') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let sent = 0;
    const next = () => {
      if (sent === 5) {
        response.end('data: [DONE]\n\n');
        return;
      }
      response.write(`data: {"choices":[{"delta":{"content":"chunk ${sent}"}}]}\n\n`);
      sent += 1;
      setImmediate(next);
    };
    next();
    return;
  }
  request.resume();
  request.on('end', () => {
    response.writeHead(200, headers);
    response.end(body);
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
