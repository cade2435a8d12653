import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A node of a V8 `.cpuprofile` (what `node --cpu-prof` writes). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

/** The parts of a `.cpuprofile` read here. */
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One frame of a sampled stack. */
export interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** A sampled stack, leaf first, and how long it was on the CPU. */
export interface ProfileSample {
  stack: Frame[];
  micros: number;
}

/**
 * Reads a `.cpuprofile` and returns its samples between `fromMs` and `toMs` after the profile's
 * start (so process startup and warm-up can be left out), each with its stack, leaf first. Frames
 * of a bundled file with a source map beside it (the built gateway) name their original source
 * file and line, so they can be told apart by module.
 */
export async function readProfileSamples(
  file: string,
  window: { fromMs: number; toMs: number },
): Promise<ProfileSample[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const stacks = new Map<number, Frame[]>();
  const stackOf = (id: number): Frame[] => {
    let stack = stacks.get(id);
    if (!stack) {
      stack = [];
      for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
        const frame = byId.get(at)?.callFrame;
        if (frame && frame.functionName !== '(root)') stack.push(originalFrame(frame));
      }
      stacks.set(id, stack);
    }
    return stack;
  };
  const samples: ProfileSample[] = [];
  let elapsedMicros = 0;
  for (const [index, id] of profile.samples.entries()) {
    elapsedMicros += profile.timeDeltas[index] ?? 0;
    // A sample stands for the time until the next one.
    const micros = profile.timeDeltas[index + 1] ?? 0;
    const atMs = elapsedMicros / 1000;
    if (atMs < window.fromMs || atMs > window.toMs) continue;
    samples.push({ stack: stackOf(id), micros });
  }
  return samples;
}

const sourceMaps = new Map<string, SourceMap | undefined>();

/** `frame` at its original source position when its file has a source map beside it. */
function originalFrame(frame: ProfileNode['callFrame']): Frame {
  const { functionName, url, lineNumber } = frame;
  if (!url.startsWith('file://') || !url.endsWith('.js')) return { functionName, url, lineNumber };
  const path = fileURLToPath(url);
  let map = sourceMaps.get(path);
  if (!sourceMaps.has(path)) {
    map = existsSync(`${path}.map`)
      ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')))
      : undefined;
    sourceMaps.set(path, map);
  }
  const entry = map?.findEntry(lineNumber, frame.columnNumber ?? 0);
  if (!entry || !('originalSource' in entry)) return { functionName, url, lineNumber };
  return {
    functionName,
    url: entry.originalSource.startsWith('file://')
      ? entry.originalSource
      : pathToFileURL(resolve(dirname(path), entry.originalSource)).href,
    lineNumber: entry.originalLine,
  };
}

/** A short `function (file:line)` label of a frame. */
export function frameLabel(frame: Frame): string {
  const file = frame.url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
  const name = frame.functionName || '(anonymous)';
  // Line 0 is what V8 reports for transpiled (tsx) sources: the function name says enough there.
  if (!file) return name;
  return frame.lineNumber > 0 ? `${name} (${file}:${frame.lineNumber + 1})` : `${name} (${file})`;
}
