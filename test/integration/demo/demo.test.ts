import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm run demo` as a user runs it: a child process on its own embedded setup (database, regtest
// node, keys), here in a temporary DATA_DIR given explicitly so the project's .data/ is untouched.
const ROOT = join(__dirname, '../../..');
const DEMO_TIMEOUT_MS = 120_000;

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(dataDir: string): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'tsx', 'scripts/demo/demo.ts'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // SIGTERM lets the demo stop its database and node before it exits.
    const timer = setTimeout(() => child.kill('SIGTERM'), DEMO_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run demo', () => {
  const dirs: string[] = [];
  const freshDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'kibble-demo-test-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('plays and settles a month, checks every invariant and exits 0', async () => {
    const dataDir = freshDir();
    const run = await runDemo(dataDir);
    const context = `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr.slice(-4000)}`;
    expect({ code: run.code, context }).toEqual({ code: 0, context });

    for (const invariant of [1, 2, 3, 4]) expect(run.stdout).toMatch(new RegExp(`^ {2}✓ ${invariant}\\. `, 'm'));
    expect(run.stdout).not.toContain('✗');
    expect(run.stdout).toContain('all invariants hold');

    expect(run.stdout).toMatch(/^ {2}ana-writes .*paid 8\.181 DOGE to \S+$/m);
    expect(run.stdout).toMatch(/^ {2}ben-codes .*paid 6\.831 DOGE to \S+$/m);
    expect(run.stdout).toMatch(/^ {2}cleo-draws .*unclaimed: no payout address \(5\.25 DOGE owed\)$/m);
    expect(run.stdout).toMatch(/^ {2}dev-sings .*carried: below dust \(0\.006 DOGE owed/m);
    expect(run.stdout).toMatch(/^service fee {6}2\.252 DOGE/m);
    expect(run.stdout).toMatch(/^transaction {6}[0-9a-f]{64} {2}confirmed, [1-9][0-9]* confirmation/m);
    expect(run.stdout).toContain(`DATA_DIR=${dataDir} npm start`);
    // Progress stays on stderr (plain lines: not a terminal here).
    expect(run.stderr).toMatch(/^\[10\/10\] stopping kibble/m);
  }, 150_000);

  it('refuses to wipe a directory that holds something else', async () => {
    const dataDir = freshDir();
    writeFileSync(join(dataDir, 'precious.txt'), 'not the demo\n');
    const run = await runDemo(dataDir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refusing to wipe');
    expect(existsSync(join(dataDir, 'precious.txt'))).toBe(true);
  }, 60_000);
});
