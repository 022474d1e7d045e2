import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Entry {
  kind: 'sources' | 'compiled' | 'refuse';
  path?: string;
  message?: string;
}
// bin/ is plain CommonJS (it runs before tsx is registered): typed here for what the test uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stamp = require('../../../bin/build-stamp.js') as {
  STAMP_FILE: string;
  sourcesHash(root: string): string | undefined;
  chooseEntry(root: string, nodeEnv: string | undefined): Entry;
};

describe('which code bin/kibble.js runs', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kibble-stamp-'));
    mkdirSync(join(root, 'src/cli'), { recursive: true });
    writeFileSync(join(root, 'src/cli/entry.ts'), 'run();\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function build(sources: string | undefined): void {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist', stamp.STAMP_FILE), JSON.stringify({ sources }));
  }

  it('runs the sources through tsx outside production, built or not', () => {
    expect(stamp.chooseEntry(root, undefined)).toEqual({ kind: 'sources', path: join(root, 'src/cli/entry.ts') });
    build(stamp.sourcesHash(root));
    expect(stamp.chooseEntry(root, 'development').kind).toBe('sources');
  });

  it('runs the compiled build in production when it was made from these sources', () => {
    build(stamp.sourcesHash(root));
    expect(stamp.chooseEntry(root, 'production')).toEqual({ kind: 'compiled', path: join(root, 'dist/src/cli/entry.js') });
  });

  it('refuses production without a build, naming npm run build', () => {
    expect(stamp.chooseEntry(root, 'production')).toMatchObject({ kind: 'refuse', message: expect.stringContaining('npm run build') });
  });

  it('refuses production when a source changed, was added or was removed since the build', () => {
    build(stamp.sourcesHash(root));
    writeFileSync(join(root, 'src/cli/entry.ts'), 'run(); // changed\n');
    expect(stamp.chooseEntry(root, 'production')).toMatchObject({ kind: 'refuse', message: expect.stringContaining('other sources') });
    build(stamp.sourcesHash(root));
    writeFileSync(join(root, 'src/cli/new.ts'), 'export {};\n');
    expect(stamp.chooseEntry(root, 'production').kind).toBe('refuse');
    build(stamp.sourcesHash(root));
    rmSync(join(root, 'src/cli/new.ts'));
    expect(stamp.chooseEntry(root, 'production').kind).toBe('refuse');
  });

  it('trusts the build where no sources were deployed beside it', () => {
    build('whatever it was built from');
    rmSync(join(root, 'src'), { recursive: true });
    expect(stamp.chooseEntry(root, 'production').kind).toBe('compiled');
  });
});
