// A jest reporter that records each project's counts in .nx/test-results/, so that
// `npm test` can close with one line of totals over every project (scripts/test-summary.js).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, basename } = require('node:path');

class CountReporter {
  constructor(globalConfig) {
    this.root = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = join(__dirname, '..', '.nx', 'test-results');
    mkdirSync(dir, { recursive: true });
    const name = basename(this.root);
    const file = join(dir, `${name}-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        project: name,
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
        suites: results.numTotalTestSuites,
      }),
    );
  }
}

module.exports = CountReporter;
