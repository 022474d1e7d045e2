import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// Each collection has one owner (docs/architecture.md): the only file in src/ that imports its
// model. Tests and scripts may read models directly; src/ goes through the owner.
const OWNERS: Readonly<Record<string, string>> = {
  'src/db/account': 'src/services/accounts/account-store.ts',
  'src/db/chain-cursor': 'src/services/wallet-watch/chain-cursor-store.ts',
  'src/db/claim': 'src/db/lease.ts',
  'src/db/click': 'src/services/clicks/click-store.ts',
  'src/db/counter': 'src/services/wallet-watch/address-counters.ts',
  'src/db/deposit': 'src/services/wallet-watch/deposit-store.ts',
  'src/db/ledger-book': 'src/services/ledger/book-store.ts',
  'src/db/ledger-closing': 'src/services/ledger/closing-store.ts',
  'src/db/ledger-entry': 'src/services/ledger/ledger-store.ts',
  'src/db/mempool-deposit': 'src/services/wallet-watch/mempool.ts',
  'src/db/rate-limit-hit': 'src/services/rate-limits.ts',
  'src/db/scanned-block': 'src/services/wallet-watch/scanned-block-store.ts',
  'src/db/session': 'src/services/accounts/sessions.ts',
  'src/db/session-revocation': 'src/services/accounts/session-revocations.ts',
  'src/db/settlement': 'src/services/settlement/settlement-store.ts',
  'src/db/settlement-plan-chunk': 'src/services/settlement/plan-store.ts',
  'src/db/subscription': 'src/services/subscriptions/subscription-store.ts',
  'src/db/thing': 'src/services/things/thing-store.ts',
  'src/db/unclaimed-allocation': 'src/services/settlement/unclaimed-store.ts',
  'src/db/wallet-address': 'src/services/wallet-watch/wallet-addresses.ts',
  'src/db/wallet-output': 'src/services/wallet-watch/wallet-output-store.ts',
  'src/db/wallet-spend': 'src/services/wallet-watch/wallet-spend-store.ts',
  'src/db/watch-snapshot': 'src/services/wallet-watch/watch-snapshot-store.ts',
  'src/db/reserves-snapshot': 'src/services/reserves/reserves-store.ts',
  'src/db/reserves-snapshot-chunk': 'src/services/reserves/reserves-store.ts',
  'src/db/mail-outbox': 'src/services/mail/outbox-store.ts',
  'src/db/mail-opt-out': 'src/services/mail/preferences.ts',
  'src/db/account-token': 'src/services/accounts/account-tokens.ts',
  'src/db/event': 'src/services/events/event-store.ts',
  'src/db/event-cursor': 'src/services/events/cursor-store.ts',
  'src/db/operator-alert': 'src/services/notifications/operator-alert-store.ts',
  'src/db/notification-run': 'src/services/notifications/run-store.ts',
  'src/db/webhook-endpoint': 'src/services/webhooks/endpoint-store.ts',
  'src/db/webhook-delivery': 'src/services/webhooks/delivery-store.ts',
  'src/db/wallet-checkpoint': 'src/services/wallet-watch/wallet-checkpoint-store.ts',
};
/** src/db files that define no collection: shared schema pieces, the connection, the model list. */
const NOT_MODELS = new Set(['src/db/chunks', 'src/db/connection', 'src/db/database-name', 'src/db/errors', 'src/db/fields', 'src/db/group-commit', 'src/db/insert-built', 'src/db/lease', 'src/db/models', 'src/db/one-writer-per-key', 'src/db/ordered-index', 'src/db/write-conflict']);

const ROOT = resolve(__dirname, '../../..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function importersOf(): Map<string, string[]> {
  const importers = new Map<string, string[]>();
  for (const file of sourceFiles('src')) {
    for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)) {
      const target = relative(ROOT, resolve(dirname(join(ROOT, file)), match[1] ?? match[2] ?? '')).replace(/\.(js|ts)$/, '');
      importers.set(target, [...(importers.get(target) ?? []), file]);
    }
  }
  return importers;
}

const IMPORTERS = importersOf();

describe('one owner per collection (docs/architecture.md)', () => {
  it('names an owner for every model in src/db/', () => {
    const models = sourceFiles('src/db').map((file) => file.replace(/\.ts$/, '')).filter((file) => !NOT_MODELS.has(file));
    expect(models.sort()).toEqual(Object.keys(OWNERS).sort());
  });

  it.each(Object.entries(OWNERS))('%s is imported by its owner only (%s)', (model, owner) => {
    // Inside src/db/ models may share a schema constant, and models.ts lists every model for the
    // connection's index sync; the rule is about the code that queries them.
    const importers = IMPORTERS.get(model) ?? [];
    expect(importers).toContain(owner);
    expect(importers.filter((file) => !file.startsWith('src/db/') && file !== owner)).toEqual([]);
  });

  it('keeps mongoose models out of http/, cli/ and jobs/', () => {
    const offenders = [...IMPORTERS]
      .filter(([target]) => target.startsWith('src/db/') && !['src/db/connection', 'src/db/database-name', 'src/db/errors', 'src/db/lease'].includes(target))
      .flatMap(([target, files]) => files.filter((file) => /^src\/(http|cli|jobs|runtime)\//.test(file)).map((file) => `${file} -> ${target}`));
    expect(offenders).toEqual([]);
  });
});
