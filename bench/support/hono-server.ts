// The floor of a typical framework: Hono on @hono/node-server parses the JSON body of every POST
// and returns the bytes of BARE_RESPONSE_FILE, doing nothing else. Run as its own process; prints
// `listening on http://HOST:PORT`.

import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadCannedResponse } from './canned-response';

const canned = loadCannedResponse();
const { headers } = canned;
// Hono's body type is a Uint8Array over a plain ArrayBuffer (a Buffer may be pooled).
const body = new Uint8Array(canned.body);

const app = new Hono();
app.post('*', async (context) => {
  await context.req.json();
  return context.body(body, 200, headers);
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
