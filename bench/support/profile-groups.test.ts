import { expect, test } from 'vitest';
import type { Frame } from './cpu-profile';
import { classifySample } from './profile-groups';

const GATEWAY = 'file:///repo/packages/gateway/src';
const at = (functionName: string, url = ''): Frame => ({ functionName, url, lineNumber: 0 });
const classify = (...stack: Frame[]) => classifySample({ stack, micros: 1 });

test('work done for logging or metrics is charged to them, whatever the leaf', () => {
  expect(
    classify(at('writeUtf8String'), at('write', 'node:net'), at('log', `${GATEWAY}/log/logger.ts`)),
  ).toBe('logging');
  expect(
    classify(
      at('stringify'),
      at('observe', 'file:///repo/node_modules/prom-client/lib/histogram.js'),
    ),
  ).toBe('metrics');
});

test('otherwise the leaf says what it does, then the nearest module that names a concern', () => {
  expect(
    classify(at('digest', 'node:internal/crypto/hash'), at('hashBody', `${GATEWAY}/cache/x.ts`)),
  ).toBe('hashing');
  expect(classify(at('parseJsonBody', `${GATEWAY}/http/read-body.ts`))).toBe('JSON');
  expect(classify(at('sortKeys', `${GATEWAY}/cache/canonical-body.ts`))).toBe('canonicalisation');
  expect(classify(at('getEntry', `${GATEWAY}/store/memory-store.ts`))).toBe('store');
  expect(classify(at('writev'), at('_writeGeneric', 'node:internal/stream_base_commons'))).toBe(
    'response writing',
  );
  expect(classify(at('(garbage collector)'))).toBe('GC');
  expect(classify(at('emit', 'node:events'))).toBe('other Node internals (streams, events)');
});
