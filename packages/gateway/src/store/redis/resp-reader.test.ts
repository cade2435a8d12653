import { describe, expect, it } from 'vitest';
import { RespReader, type RespValue } from './resp-reader';

/** `text` as a RESP bulk string, its length in bytes. */
const bulk = (text: string) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;

const STREAM = [
  '+OK\r\n',
  ':42\r\n',
  ':-7\r\n',
  '$-1\r\n',
  '*-1\r\n',
  '$0\r\n\r\n',
  // A bulk string holding CRLF, and multi-byte UTF-8.
  bulk('line\r\nnext é'),
  '-NOSCRIPT No matching script. Please use EVAL.\r\n',
  `*5\r\n:1\r\n${bulk('fresh')}${bulk('{"a":"b\r\nc"}')}*2\r\n${bulk('x')}:3\r\n${bulk('')}`,
  '*0\r\n',
].join('');

const EXPECTED: unknown[] = [
  'OK',
  42,
  -7,
  null,
  null,
  '',
  'line\r\nnext é',
  { name: 'ReplyError', message: 'NOSCRIPT No matching script. Please use EVAL.' },
  [1, 'fresh', '{"a":"b\r\nc"}', ['x', 3], ''],
  [],
];

function readAll(chunks: Buffer[]): RespValue[] {
  const reader = new RespReader();
  const replies: RespValue[] = [];
  for (const chunk of chunks) reader.feed(chunk, (value) => replies.push(value));
  return replies;
}

function comparable(values: RespValue[]): unknown[] {
  return values.map((value) =>
    value instanceof Error ? { name: value.name, message: value.message } : value,
  );
}

describe('RespReader', () => {
  it('reads every kind of RESP2 reply, in order', () => {
    expect(comparable(readAll([Buffer.from(STREAM)]))).toEqual(EXPECTED);
  });

  it('reads the same replies however the stream is cut into chunks', () => {
    const bytes = Buffer.from(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      const replies = readAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(comparable(replies), `cut at byte ${cut}`).toEqual(EXPECTED);
    }
    const byteByByte = [...bytes].map((byte) => Buffer.from([byte]));
    expect(comparable(readAll(byteByByte))).toEqual(EXPECTED);
  });

  it('refuses a stream that is not RESP, and forgets a partial reply on reset', () => {
    const reader = new RespReader();
    expect(() => reader.feed(Buffer.from('HTTP/1.1 400\r\n'), () => {})).toThrow(/RESP/);
    const fresh = new RespReader();
    fresh.feed(Buffer.from('$5\r\nab'), () => {});
    fresh.reset();
    const replies: RespValue[] = [];
    fresh.feed(Buffer.from(':1\r\n'), (value) => replies.push(value));
    expect(replies).toEqual([1]);
  });
});
