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

/** One parsed SSE event: its `event` field (when given) and its data. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * An incremental SSE parser: feed it text as it arrives, get back every event completed so far,
 * with its `event` field (error streams in the vLLM style say `event: error`). Multi-line data is
 * joined with `\n`; comments and other fields are skipped; `\r\n` line endings are accepted.
 */
export function createSseEventParser(): { push(text: string): SseEvent[]; flush(): SseEvent[] } {
  let buffer = '';
  let dataLines: string[] = [];
  let eventType: string | undefined;

  function consumeLine(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (dataLines.length > 0) events.push({ event: eventType, data: dataLines.join('\n') });
      dataLines = [];
      eventType = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data' && field !== 'event') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventType = value;
    else dataLines.push(value);
  }

  return {
    push(text) {
      buffer += text;
      const events: SseEvent[] = [];
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
      const events: SseEvent[] = [];
      if (buffer !== '') consumeLine(buffer, events);
      buffer = '';
      consumeLine('', events);
      return events;
    },
  };
}

/** {@link createSseEventParser}, for callers that only need each event's data. */
export function createSseParser(): { push(text: string): string[]; flush(): string[] } {
  const parser = createSseEventParser();
  return {
    push: (text) => parser.push(text).map((event) => event.data),
    flush: () => parser.flush().map((event) => event.data),
  };
}
