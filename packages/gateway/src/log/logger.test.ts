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
});
