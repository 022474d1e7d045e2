import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * kibble's version, from the package.json above this file (the sources and the build in dist/
 * both sit below it), so `kibble --version` never disagrees with what npm installed.
 */
export function kibbleVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === 'kibble' && typeof parsed.version === 'string') return parsed.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
