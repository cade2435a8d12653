import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Which core the servers and the load generator get, or why they share the machine unpinned. */
export interface CoreLayout {
  /** Core of the measured server (`taskset -c`), undefined when unpinned. */
  server: number | undefined;
  /** Core of the load generator and of the benchmark process. */
  load: number | undefined;
  /** One line for the report. */
  description: string;
}

/**
 * Server on core 1, load generator on core 0, when the machine has two cores and `taskset`;
 * otherwise everything unpinned (the figures then include the client's competition for CPU).
 */
export function chooseCoreLayout(): CoreLayout {
  const cores = availableParallelism();
  let hasTaskset = true;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    hasTaskset = false;
  }
  if (cores >= 2 && hasTaskset) {
    return {
      server: 1,
      load: 0,
      description: 'server pinned to core 1, autocannon and the benchmark process to core 0',
    };
  }
  return {
    server: undefined,
    load: undefined,
    description: `unpinned (${cores} core(s), taskset ${hasTaskset ? 'present' : 'missing'}): client and server compete`,
  };
}
