import { chooseDatabaseServer, type DatabaseChoice, type DatabaseFacts } from '../../../src/runtime/embedded/database-choice';

const FACT_NAMES = ['mongodOnPath', 'ferretdbBuilt', 'goOnPath', 'memoryServerInstalled', 'downloadAllowed'] as const;

/** Every combination of the five facts (32). */
function everyCombination(): DatabaseFacts[] {
  return Array.from({ length: 2 ** FACT_NAMES.length }, (_, bits) =>
    Object.fromEntries(FACT_NAMES.map((name, index) => [name, (bits & (1 << index)) !== 0])) as unknown as DatabaseFacts,
  );
}

/** The rule, said independently of the implementation's branches. */
function expected(facts: DatabaseFacts): DatabaseChoice['kind'] | 'ferretdb-build' {
  if (facts.mongodOnPath) return 'mongod';
  if (facts.ferretdbBuilt) return 'ferretdb';
  if (facts.goOnPath) return 'ferretdb-build';
  if (facts.memoryServerInstalled && facts.downloadAllowed) return 'memory-server';
  return 'none';
}

describe('chooseDatabaseServer: what the embedded default starts', () => {
  it.each(everyCombination().map((facts) => [JSON.stringify(facts), facts] as const))('%s', (_name, facts) => {
    const choice = chooseDatabaseServer(facts);
    const kind = choice.kind === 'ferretdb' && choice.build ? 'ferretdb-build' : choice.kind;
    expect(kind).toBe(expected(facts));
  });

  it('with Node alone and no download (this machine without its FerretDB), one message names the three ways out', () => {
    const choice = chooseDatabaseServer({ mongodOnPath: false, ferretdbBuilt: false, goOnPath: false, memoryServerInstalled: true, downloadAllowed: false });
    expect(choice.kind).toBe('none');
    const message = choice.kind === 'none' ? choice.message : '';
    expect(message).toMatch(/internet access once.*mongodb-memory-server/);
    expect(message).toMatch(/Go 1\.24\+ on PATH/);
    expect(message).toMatch(/`mongod` on PATH, or MONGODB_URI/);
  });

  it('says when the package itself is missing', () => {
    const choice = chooseDatabaseServer({ mongodOnPath: false, ferretdbBuilt: false, goOnPath: false, memoryServerInstalled: false, downloadAllowed: true });
    expect(choice.kind === 'none' ? choice.message : '').toContain('mongodb-memory-server package is not installed');
  });
});
