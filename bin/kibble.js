#!/usr/bin/env node
'use strict';
// NODE_ENV=production runs the compiled build in dist/ (refused when missing or older than the
// sources); otherwise the TypeScript sources run through tsx's CommonJS hook, so `npx kibble`
// works right after `npm ci` with no build step. See bin/build-stamp.js.
const { join } = require('node:path');
const { chooseEntry } = require('./build-stamp');

const entry = chooseEntry(join(__dirname, '..'), process.env.NODE_ENV);
if (entry.kind === 'refuse') {
  process.stderr.write(`kibble: ${entry.message}\n`);
  process.exitCode = 2;
} else {
  if (entry.kind === 'compiled') process.setSourceMapsEnabled(true);
  else require('tsx/cjs/api').register();
  require(entry.path);
}
