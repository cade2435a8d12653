// `pnpm test`: vitest with the given arguments. Vitest colours its output whenever TERM is set,
// even into a pipe or a file; a log read later (CI, `pnpm test > log`) should be plain text, so
// colours stay on only for a terminal (or when FORCE_COLOR asks for them).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const env = { ...process.env };
if (!process.stdout.isTTY && !('FORCE_COLOR' in env)) env.NO_COLOR = '1';
const child = spawn(process.execPath, [vitest, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
