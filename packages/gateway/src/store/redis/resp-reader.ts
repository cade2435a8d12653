/** A reply Redis sent: `null` for a nil, an `Error` (named `ReplyError`) for an error reply. */
export type RespValue = string | number | null | Error | RespValue[];

const CR = 13;
const INCOMPLETE = -1;

/**
 * Reads RESP2 replies off a byte stream: feed it the chunks as they arrive and it hands out every
 * complete reply, in order. Bulk strings are decoded as UTF-8; a reply split across chunks waits
 * for the rest.
 */
export class RespReader {
  #pending: Buffer | undefined;
  #value: RespValue = null;

  /** Reads every complete reply of `chunk` (after what earlier chunks left), calling `onReply` for each. */
  feed(chunk: Buffer, onReply: (value: RespValue) => void): void {
    const buffer = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    let at = 0;
    while (at < buffer.length) {
      const next = this.#read(buffer, at);
      if (next === INCOMPLETE) {
        this.#pending = buffer.subarray(at);
        return;
      }
      at = next;
      onReply(this.#value);
    }
  }

  /** Forgets a partly read reply (the connection it came from is gone). */
  reset(): void {
    this.#pending = undefined;
  }

  /** Reads one value at `at` into `#value`; returns where the next one starts, or INCOMPLETE. */
  #read(buffer: Buffer, at: number): number {
    const lineEnd = buffer.indexOf(CR, at + 1);
    if (lineEnd === INCOMPLETE || lineEnd + 1 >= buffer.length) return INCOMPLETE;
    const afterLine = lineEnd + 2;
    switch (buffer[at]) {
      case 0x2b /* + */:
        this.#value = buffer.toString('utf8', at + 1, lineEnd);
        return afterLine;
      case 0x2d /* - */:
        {
          const error = new Error(buffer.toString('utf8', at + 1, lineEnd));
          error.name = 'ReplyError';
          this.#value = error;
          return afterLine;
        }
      case 0x3a /* : */:
        this.#value = readInteger(buffer, at + 1, lineEnd);
        return afterLine;
      case 0x24 /* $ */:
        {
          const length = readInteger(buffer, at + 1, lineEnd);
          if (length < 0) {
            this.#value = null;
            return afterLine;
          }
          const end = afterLine + length;
          if (end + 2 > buffer.length) return INCOMPLETE;
          this.#value = buffer.toString('utf8', afterLine, end);
          return end + 2;
        }
      case 0x2a /* * */:
        {
          const count = readInteger(buffer, at + 1, lineEnd);
          if (count < 0) {
            this.#value = null;
            return afterLine;
          }
          const items: RespValue[] = new Array(count);
          let next = afterLine;
          for (let index = 0; index < count; index++) {
            if (next >= buffer.length) return INCOMPLETE;
            next = this.#read(buffer, next);
            if (next === INCOMPLETE) return INCOMPLETE;
            items[index] = this.#value;
          }
          this.#value = items;
          return next;
        }
      default:
        throw new Error(
          `Unexpected RESP reply type ${JSON.stringify(String.fromCharCode(buffer[at] ?? 0))}`,
        );
    }
  }
}

function readInteger(buffer: Buffer, from: number, to: number): number {
  let at = from;
  let negative = false;
  if (buffer[at] === 0x2d) {
    negative = true;
    at++;
  }
  let value = 0;
  for (; at < to; at++) value = value * 10 + ((buffer[at] as number) - 48);
  return negative ? -value : value;
}
