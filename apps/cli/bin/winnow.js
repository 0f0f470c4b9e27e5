#!/usr/bin/env node
// The `winnow` command. Runs the build (dist/main.js) when there is one, else
// the TypeScript source through tsx with the "@winnow/source" export condition
// (a child process: the condition must be set when Node starts, and the
// executor then starts its worker threads with tsx too). WINNOW_SOURCE=1
// forces the source, e.g. in tests and while editing without rebuilding.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist', 'main.js');

if (process.env.WINNOW_SOURCE !== '1' && existsSync(dist)) {
  require(dist).main();
} else {
  const { spawn } = require('node:child_process');
  const { pathToFileURL } = require('node:url');
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const args = ['--conditions=@winnow/source', '--import', tsx, join(__dirname, '..', 'src', 'main.ts'), ...process.argv.slice(2)];
  const child = spawn(process.execPath, [...process.execArgv, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal; other signals are passed on.
  const forward = (signal) => () => child.kill(signal);
  process.on('SIGINT', () => {});
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGHUP', forward('SIGHUP'));
  child.on('error', (e) => {
    process.stderr.write(`winnow: cannot start node (${e.message})\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exitCode = code ?? 1;
  });
}
