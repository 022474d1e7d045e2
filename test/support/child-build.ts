// The kibble processes tests start (the CLI, `kibble serve`, the signer, the crash tests'
// settlement children) run compiled JavaScript, not the TypeScript sources through tsx: tsx's
// hook costs each process about 0.4 s of CPU more on these 2 cores, and the suite starts about a
// hundred of them. The global setup transpiles src, test/support and scripts once per run with
// esbuild, the compiler tsx uses itself (same output, no type check: `npm test` type-checks first),
// into .cache/test-build/<hash of the sources>/, and tells the workers where (TEST_BUILD_DIR_ENV).
// The tests about how a user starts kibble (npx-kibble, serve, stack-discovery, the walkthrough)
// still run bin/kibble.js; the built product runs the entry point of its own build.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

// bin/ is plain CommonJS (it runs before tsx is registered): typed here for what this file uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { filesOf, hashOfFiles } = require('../../bin/build-stamp.js') as {
  filesOf: (root: string, roots: readonly string[]) => string[];
  hashOfFiles: (root: string, files: readonly string[]) => string;
};

export const TEST_BUILD_DIR_ENV = 'KIBBLE_TEST_BUILD_DIR';

const ROOT = join(__dirname, '../..');
/** What the children run: kibble itself, the test helpers they start, and what those import. */
const SOURCE_DIRS = ['src', 'test/support', 'scripts'];
/** Besides the sources, what changes the compiled output: compiler options and dependencies. */
const BUILD_INPUTS = ['tsconfig.json', 'package-lock.json'];
/** The pages' stylesheet and scripts, served from beside the compiled router as in dist/. */
const STATIC_DIR = 'src/http/pages/static';
/** A build no run has used for this long is removed (a run's own build is never that old). */
const STALE_BUILD_MS = 24 * 60 * 60 * 1000;

/** Compiles the children's code unless this run's sources were compiled already; returns the folder. */
export async function prepareChildBuild(log: (message: string) => void): Promise<string> {
  const started = Date.now();
  const files = filesOf(ROOT, SOURCE_DIRS);
  const buildsDir = join(ROOT, '.cache', 'test-build');
  const outDir = join(buildsDir, hashOfFiles(ROOT, [...files, ...filesOf(ROOT, BUILD_INPUTS)]).slice(0, 16));
  if (existsSync(outDir)) {
    const now = new Date();
    utimesSync(outDir, now, now); // in use: not stale for another run with other sources
  } else {
    mkdirSync(buildsDir, { recursive: true });
    removeStaleBuilds(buildsDir);
    // Built beside and renamed into place: the two CI passes start at once and may both build.
    const partial = `${outDir}.${process.pid}.partial`;
    await build({
      absWorkingDir: ROOT,
      entryPoints: files.filter((file) => file.endsWith('.ts')),
      outdir: partial,
      outbase: ROOT,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      tsconfig: join(ROOT, 'tsconfig.json'),
      logLevel: 'error',
    });
    cpSync(join(ROOT, STATIC_DIR), join(partial, STATIC_DIR), { recursive: true });
    try {
      renameSync(partial, outDir);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(outDir)) throw error;
    }
    log(`kibble's child processes: compiled ${files.length} files into ${relative(ROOT, outDir)} in ${Date.now() - started} ms`);
  }
  return outDir;
}

function removeStaleBuilds(buildsDir: string): void {
  for (const name of readdirSync(buildsDir)) {
    const path = join(buildsDir, name);
    if (Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS) rmSync(path, { recursive: true, force: true });
  }
}

function buildDir(): string | undefined {
  const dir = process.env[TEST_BUILD_DIR_ENV];
  return dir === undefined || dir === '' ? undefined : dir;
}

/**
 * node's arguments that run a TypeScript file of this repository (path from its root) in a child:
 * its compiled form when the global setup built one, else the source through tsx.
 */
export function nodeArgsFor(sourcePath: string): string[] {
  const dir = buildDir();
  return dir === undefined ? ['--require', 'tsx/cjs', join(ROOT, sourcePath)] : [join(dir, sourcePath.replace(/\.ts$/, '.js'))];
}

/** node's arguments that run the kibble command: its compiled entry, else bin/kibble.js as a user runs it. */
export function kibbleNodeArgs(): string[] {
  const dir = buildDir();
  return dir === undefined ? [join(ROOT, 'bin/kibble.js')] : [join(dir, 'src/cli/entry.js')];
}
