import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicksPerSecond: number | undefined;

/** `sysconf(_SC_CLK_TCK)`, the unit of utime and stime in `/proc/<pid>/stat` (100 on Linux). */
function clockTicks(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond =
        Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/**
 * CPU time a process has used so far (user + system, all of its threads: JavaScript, GC, libuv
 * pool), in milliseconds, from `/proc/<pid>/stat`. Resolution is one clock tick (10 ms).
 */
export function readProcessCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the file (utime, stime) are at 11 and 12 once pid and comm are dropped.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicks();
}

/** Resident memory of a process in MiB, from `/proc/<pid>/status` (VmRSS). */
export function readProcessRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(status.match(/^VmRSS:\s+(\d+) kB/m)?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** The CPU cores this process may run on (`taskset -p`), e.g. `0-1`; restored with {@link pinProcess}. */
export function readAffinity(pid: number): string {
  const output = execFileSync('taskset', ['-cp', String(pid)], { encoding: 'utf8' });
  return output.slice(output.lastIndexOf(':') + 1).trim();
}

/** Restricts a running process to `cores` (a `taskset -c` list such as `0` or `0-1`). */
export function pinProcess(pid: number, cores: string): void {
  execFileSync('taskset', ['-cp', cores, String(pid)], { stdio: 'ignore' });
}
