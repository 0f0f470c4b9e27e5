#!/usr/bin/env node
// Totals of every jest project's run (written by scripts/jest-count-reporter.js).
// `--reset` clears earlier results before a run; without it, prints a table and the closing line.
const { existsSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, '..', '.nx', 'test-results');
if (process.argv.includes('--reset')) {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
const results = existsSync(dir) ? readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))) : [];
if (results.length === 0) {
  console.error('no test results were recorded: did any jest project run?');
  process.exit(1);
}
results.sort((a, b) => a.project.localeCompare(b.project));
const total = { passed: 0, failed: 0, skipped: 0 };
console.log('\nproject      suites  passed  failed  skipped');
for (const r of results) {
  console.log(`${r.project.padEnd(12)} ${String(r.suites).padStart(6)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}`);
  total.passed += r.passed;
  total.failed += r.failed;
  total.skipped += r.skipped;
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
