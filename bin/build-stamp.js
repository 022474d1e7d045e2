'use strict';
// Which code `kibble` runs (README, "Which code runs"): the stamp `npm run build` writes beside the
// compiled files names the sources it was built from, so a build older than the sources is
// never run silently.
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const STAMP_FILE = 'build-info.json';
/** What the build reads: a change to any of these makes an earlier build stale. */
const SOURCE_ROOTS = ['src', 'scripts/build', 'tsconfig.json', 'tsconfig.build.json'];

function filesUnder(path) {
  if (!existsSync(path)) return [];
  const entries = readdirSync(path, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** The files under `roots` (folders, or files where the name has a dot), as absolute paths, sorted. */
function filesOf(root, roots) {
  return roots.flatMap((name) => {
    const path = join(root, name);
    return existsSync(path) && !name.includes('.') ? filesUnder(path) : existsSync(path) ? [path] : [];
  }).sort();
}

/** SHA-256 over files' paths (relative to `root`) and contents. */
function hashOfFiles(root, files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** SHA-256 over the build's inputs (paths and contents), or undefined where there are no sources. */
function sourcesHash(root) {
  if (!existsSync(join(root, 'src'))) return undefined;
  return hashOfFiles(root, filesOf(root, SOURCE_ROOTS));
}

function readStamp(outDir) {
  try {
    return JSON.parse(readFileSync(join(outDir, STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The rule: NODE_ENV=production runs the compiled build in `outDir` and refuses (a message, exit 2)
 * when there is none or when it was built from other sources than those beside it; any other
 * NODE_ENV runs the TypeScript sources through tsx.
 */
function chooseEntry(root, nodeEnv, outDir = join(root, 'dist')) {
  if (nodeEnv !== 'production') return { kind: 'sources', path: join(root, 'src/cli/entry.ts') };
  const stamp = readStamp(outDir);
  if (stamp === undefined) {
    return { kind: 'refuse', message: `NODE_ENV=production runs the compiled build, and ${outDir} has none: run \`npm run build\`` };
  }
  const current = sourcesHash(root);
  if (current !== undefined && stamp.sources !== current) {
    return { kind: 'refuse', message: `the build in ${outDir} was made from other sources than these: run \`npm run build\`` };
  }
  return { kind: 'compiled', path: join(outDir, 'src/cli/entry.js') };
}

module.exports = { STAMP_FILE, filesOf, hashOfFiles, sourcesHash, chooseEntry };
