import { request } from 'node:http';
import { connect } from 'node:net';

/** An answer of the gateway, as a client reading the wire sees it. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body, or `undefined` when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: untyped JSON read in assertions only
  json: any;
}

/**
 * Sends one request with `node:http`, whose client sends the path exactly as given: `fetch` would
 * resolve `..` and `.` segments before they reach the gateway.
 */
export function sendRaw(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json: parseJson(text),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** POSTs a JSON body (text, sent as is) with `content-type: application/json`. */
export function postJson(
  baseUrl: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return sendRaw(baseUrl, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

/**
 * Writes raw bytes on a fresh TCP connection and returns everything the gateway writes back
 * until it closes the connection: for requests no HTTP client would send.
 */
export function sendRawBytes(baseUrl: string, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The gateway may close while the rest of an oversized request is still being written.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
        resolve(Buffer.concat(chunks).toString('utf8'));
      } else reject(error);
    });
    socket.write(bytes);
  });
}

/** Splits a raw HTTP/1.1 response into its status, lower-cased headers and body. */
export function parseRawResponse(raw: string): RawAnswer {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const text = rest.join('\r\n\r\n');
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    text,
    json: parseJson(text),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
