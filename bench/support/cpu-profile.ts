import { readFile } from 'node:fs/promises';

/** A node of a V8 `.cpuprofile` (what `node --cpu-prof` writes). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
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
 * start (so process startup and warm-up can be left out), each with its stack, leaf first.
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
        if (frame && frame.functionName !== '(root)') stack.push(frame);
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
