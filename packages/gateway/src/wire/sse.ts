/** Formats one SSE event carrying `data` (a JSON value or the literal `[DONE]`). */
export function formatSseEvent(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return `data: ${text}\n\n`;
}

/** The headers of an SSE answer. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

/**
 * An incremental SSE parser: feed it text as it arrives, get back the `data` payloads of every
 * event completed so far. Multi-line data is joined with `\n`; comments and other fields are
 * skipped; `\r\n` line endings are accepted.
 */
export function createSseParser(): { push(text: string): string[]; flush(): string[] } {
  let buffer = '';
  let dataLines: string[] = [];

  function consumeLine(line: string, events: string[]): void {
    if (line === '') {
      if (dataLines.length > 0) events.push(dataLines.join('\n'));
      dataLines = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    dataLines.push(value);
  }

  return {
    push(text) {
      buffer += text;
      const events: string[] = [];
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        let line = buffer.slice(0, newline);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        buffer = buffer.slice(newline + 1);
        consumeLine(line, events);
        newline = buffer.indexOf('\n');
      }
      return events;
    },
    flush() {
      const events: string[] = [];
      if (buffer !== '') consumeLine(buffer, events);
      buffer = '';
      consumeLine('', events);
      return events;
    },
  };
}
