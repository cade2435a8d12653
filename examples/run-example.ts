// `pnpm example <name>`: runs one example; lists them when the name is missing or unknown.

import { EXAMPLES, isExampleName } from './example-catalog';

const name = process.argv[2];
if (isExampleName(name)) {
  await import(`./${name}.ts`);
} else {
  if (name !== undefined) console.error(`Unknown example "${name}".\n`);
  console.error('Usage: pnpm example <name>\n\nExamples:');
  const width = Math.max(...Object.keys(EXAMPLES).map((example) => example.length));
  for (const [example, description] of Object.entries(EXAMPLES)) {
    console.error(`  ${example.padEnd(width)}  ${description}`);
  }
  process.exitCode = name === undefined ? 0 : 1;
}
