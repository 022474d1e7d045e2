#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly (tsx's CommonJS hook), so `npx kibble` works right
// after `npm ci` with no build step.
require('tsx/cjs/api').register();
const { runCli } = require('../src/cli/main.ts');

runCli(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error) => {
    process.stderr.write(`kibble: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  },
);
