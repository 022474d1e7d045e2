/**
 * Which MongoDB-compatible server the embedded default starts (issue 17 item 8), decided from
 * the facts the launcher (mongo-server.ts) gathers: so that `npm start` works with Node alone
 * where MongoDB can be downloaded, and says plainly what to provide where nothing can run.
 */
export interface DatabaseFacts {
  /** A `mongod` on PATH. */
  mongodOnPath: boolean;
  /** .cache/bin/ferretdb exists and is the pinned version. */
  ferretdbBuilt: boolean;
  /** Go is on PATH, so scripts/ferretdb/build.sh can build FerretDB (minutes, once). */
  goOnPath: boolean;
  /** The mongodb-memory-server package can be loaded. */
  memoryServerInstalled: boolean;
  /** mongodb-memory-server may fetch a MongoDB server on first use (needs internet, once). */
  downloadAllowed: boolean;
}

export type DatabaseChoice =
  | { kind: 'mongod' }
  | { kind: 'ferretdb'; build: boolean }
  | { kind: 'memory-server' }
  | { kind: 'none'; message: string };

/**
 * The order is what costs the newcomer least and trusts the machine most: a real mongod they
 * installed, then FerretDB (built already, or with their Go), then a MongoDB downloaded once by
 * mongodb-memory-server. Without any of these the message names the three ways out.
 */
export function chooseDatabaseServer(facts: DatabaseFacts): DatabaseChoice {
  if (facts.mongodOnPath) return { kind: 'mongod' };
  if (facts.ferretdbBuilt) return { kind: 'ferretdb', build: false };
  if (facts.goOnPath) return { kind: 'ferretdb', build: true };
  if (facts.memoryServerInstalled && facts.downloadAllowed) return { kind: 'memory-server' };
  const why = !facts.memoryServerInstalled ? 'the mongodb-memory-server package is not installed (run `npm ci`)' : 'downloading MongoDB is not allowed here';
  return { kind: 'none', message: noDatabaseServerMessage(why) };
}

/** The one message when no database server can be started; `why` says what failed last. */
export function noDatabaseServerMessage(why: string): string {
  return (
    `No MongoDB-compatible server can be started (${why}). Provide one of: ` +
    '(1) internet access once, so that mongodb-memory-server downloads MongoDB on first use; ' +
    '(2) Go 1.24+ on PATH, so that kibble builds FerretDB into .cache/bin (scripts/ferretdb/build.sh); ' +
    '(3) a `mongod` on PATH, or MONGODB_URI naming a running MongoDB.'
  );
}
