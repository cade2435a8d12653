import { describe, expect, it } from 'vitest';
import { createJsonLogger } from './logger';

describe('createJsonLogger', () => {
  it('says which levels it writes, and writes exactly those', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'warn', write: (line) => lines.push(line) });
    expect(logger.isLevelEnabled?.('error')).toBe(true);
    expect(logger.isLevelEnabled?.('warn')).toBe(true);
    expect(logger.isLevelEnabled?.('info')).toBe(false);
    expect(logger.isLevelEnabled?.('debug')).toBe(false);
    logger.info('dropped');
    logger.warn('kept', { tenant: 'acme' });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'kept', tenant: 'acme' }),
    ]);
  });

  it('writes nothing at all when silent', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'silent', write: (line) => lines.push(line) });
    expect(logger.isLevelEnabled?.('error')).toBe(false);
    logger.error('dropped');
    expect(lines).toEqual([]);
  });

  it('writes one JSON object per line: time, level, message, then the fields', () => {
    const lines: string[] = [];
    let clock = Date.UTC(2026, 11, 1, 9, 30, 0, 125);
    const logger = createJsonLogger({ write: (line) => lines.push(line), now: () => clock });
    logger.info('request', { route: '/v1/chat/completions', status: 200, note: 'say "hi"\n' });
    logger.warn('no fields');
    logger.error('empty fields', {});
    clock += 1;
    logger.info('next millisecond', { nested: { deps: ['a', 'b'] }, skipped: undefined });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        time: '2026-12-01T09:30:00.125Z',
        level: 'info',
        msg: 'request',
        route: '/v1/chat/completions',
        status: 200,
        note: 'say "hi"\n',
      },
      { time: '2026-12-01T09:30:00.125Z', level: 'warn', msg: 'no fields' },
      { time: '2026-12-01T09:30:00.125Z', level: 'error', msg: 'empty fields' },
      {
        time: '2026-12-01T09:30:00.126Z',
        level: 'info',
        msg: 'next millisecond',
        nested: { deps: ['a', 'b'] },
      },
    ]);
    expect(
      lines[0]?.startsWith('{"time":"2026-12-01T09:30:00.125Z","level":"info","msg":"request",'),
    ).toBe(true);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
  });
});
