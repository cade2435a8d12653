/**
 * Measurement tables and lines that tests print for tuning (similarities, recall, timings): shown
 * only with `CACHECORE_TEST_REPORTS=1`, so a normal or piped test run prints test results only.
 */
const enabled = process.env.CACHECORE_TEST_REPORTS === '1';

/** Prints a line of a test's measurements when reports are on. */
export function reportLine(...values: unknown[]): void {
  if (enabled) console.log(...values);
}

/** Prints a table of a test's measurements when reports are on. */
export function reportTable(rows: unknown): void {
  if (enabled) console.table(rows);
}
