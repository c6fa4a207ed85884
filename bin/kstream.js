#!/usr/bin/env node
// The only place that touches the real process: it hands stdio to main() and exits with its code.
import { main } from '../dist/bundle/cli.js';

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals: process,
  exit: (code) => process.exit(code),
});
// Linux writes to pipes, files and TTYs synchronously, so nothing written is lost by exiting now;
// exiting explicitly stops lingering client timers from holding the process open.
process.exit(code);
