import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { frameLabel, readProfileSamples } from './cpu-profile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  scriptId: '0',
  columnNumber: 0,
});

test('samples come back with their stacks, leaf first, cut to the time window', async () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4] },
      { id: 2, callFrame: frame('handle', 'file:///app/route.ts', 9), children: [3] },
      { id: 3, callFrame: frame('stringify') },
      { id: 4, callFrame: frame('(idle)') },
    ],
    startTime: 0,
    endTime: 4_000,
    // Samples at 0, 1, 2 and 3 ms.
    samples: [4, 3, 2, 3],
    timeDeltas: [0, 1_000, 1_000, 1_000],
  };
  const directory = await mkdtemp(join(tmpdir(), 'cpu-profile-test-'));
  const file = join(directory, 'test.cpuprofile');
  await writeFile(file, JSON.stringify(profile));

  const samples = await readProfileSamples(file, { fromMs: 0.5, toMs: 2.5 });
  expect(samples.map((sample) => sample.stack.map((entry) => entry.functionName))).toEqual([
    ['stringify', 'handle'],
    ['handle'],
  ]);
  expect(samples.map((sample) => sample.micros)).toEqual([1_000, 1_000]);
  expect(frameLabel(samples[1]?.stack[0] ?? frame('none'))).toBe('handle (app/route.ts:10)');
});

test('frames of a bundle with a source map name their original file and line', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'cpu-profile-map-'));
  const bundle = join(directory, 'dist', 'bundle.js');
  await mkdir(join(directory, 'dist'));
  // Line 0 of the bundle comes from src/log/logger.ts line 7, line 1 from src/store/store.ts line 2
  // (VLQ mappings: "AAOA" = source 0, line +7; "ACLA" = source 1, line -5, i.e. 2).
  await writeFile(bundle, 'function log() {}\nfunction read() {}\n');
  await writeFile(
    `${bundle}.map`,
    JSON.stringify({
      version: 3,
      file: 'bundle.js',
      sources: ['../src/log/logger.ts', '../src/store/store.ts'],
      names: [],
      mappings: 'AAOA;ACLA',
    }),
  );
  const url = `file://${bundle}`;
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2] },
      { id: 2, callFrame: frame('log', url, 0), children: [3] },
      { id: 3, callFrame: frame('read', url, 1) },
    ],
    startTime: 0,
    endTime: 2_000,
    samples: [3, 3],
    timeDeltas: [0, 1_000],
  };
  const file = join(directory, 'test.cpuprofile');
  await writeFile(file, JSON.stringify(profile));
  const [sample] = await readProfileSamples(file, { fromMs: 0, toMs: 10 });
  expect(sample?.stack.map((entry) => [entry.url, entry.lineNumber])).toEqual([
    [`file://${join(directory, 'src/store/store.ts')}`, 2],
    [`file://${join(directory, 'src/log/logger.ts')}`, 7],
  ]);
});
