import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The layers of src/, lowest first (docs/architecture.md). A file may import from its own folder
// and from folders of a lower rank only, so every import points down and no two folders can
// import each other. Folders of the same rank are independent of each other.
const RANK: Readonly<Record<string, number>> = {
  '(root)': 0, // errors.ts, log.ts, settle-all.ts
  money: 1,
  chain: 2,
  i18n: 2, // languages: catalogues, the translator, locale formatting and parsing (may use money)
  keys: 3,
  node: 3,
  net: 3, // bounded outgoing HTTP to addresses others chose (webhooks, price sources)
  proofs: 3, // pure: the proof trees, salts, the OP_RETURN commitment, the proof format
  signer: 4,
  config: 5,
  db: 6,
  services: 7,
  jobs: 8,
  http: 9,
  runtime: 10,
  cli: 11,
};

const ROOT = resolve(__dirname, '../../..');
const SRC = join(ROOT, 'src');

interface Import {
  file: string; // relative to the project
  target: string; // relative to the project, without extension
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => ({
    file: relative(ROOT, file),
    target: relative(ROOT, resolve(dirname(file), match[1] ?? match[2] ?? '')).replace(/\.(js|ts)$/, ''),
  }));
}

/** "src/services/clicks/clicks.ts" -> "services"; files at the top of src/ are "(root)". */
function folderOf(path: string): string {
  const parts = path.split('/');
  return parts.length <= 2 ? '(root)' : (parts[1] ?? '(root)');
}

const ALL_IMPORTS = sourceFiles(SRC).flatMap(importsOf);

describe('the import rules of src/ (docs/architecture.md)', () => {
  it('reads a realistic number of imports (the parser is not silently broken)', () => {
    expect(ALL_IMPORTS.length).toBeGreaterThan(300);
    expect(ALL_IMPORTS).toContainEqual({ file: 'src/signer/tx-signer.ts', target: 'src/signer/hd-signer' });
  });

  it('knows the rank of every folder under src/', () => {
    const folders = new Set(sourceFiles(SRC).map((file) => folderOf(relative(ROOT, file))));
    expect([...folders].filter((folder) => RANK[folder] === undefined)).toEqual([]);
  });

  it('never imports from scripts/, test/ or outside src/', () => {
    expect(ALL_IMPORTS.filter((edge) => !edge.target.startsWith('src/'))).toEqual([]);
  });

  it('imports only from its own folder or from a lower layer', () => {
    const upward = ALL_IMPORTS.filter((edge) => {
      const from = folderOf(edge.file);
      const to = folderOf(edge.target);
      return from !== to && (RANK[to] ?? Infinity) >= (RANK[from] ?? -Infinity);
    }).map((edge) => `${edge.file} -> ${edge.target}`);
    expect(upward).toEqual([]);
  });
});
