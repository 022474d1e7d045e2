/**
 * Which database a MongoDB connection string names. Without one the driver would use `test`, so
 * a URI copied without its path (`mongodb://127.0.0.1:40123/`) silently reads an empty database;
 * kibble uses `kibble` then, the same name the embedded default gives its database.
 */
export const DEFAULT_DATABASE_NAME = 'kibble';

/** The database in the URI's path (`mongodb://host/<name>?options`), or undefined when it names none. */
export function databaseNameIn(uri: string): string | undefined {
  const afterScheme = uri.replace(/^mongodb(\+srv)?:\/\//i, '');
  const slash = afterScheme.indexOf('/');
  if (slash < 0) return undefined;
  const path = afterScheme.slice(slash + 1).split('?')[0] ?? '';
  return path === '' ? undefined : decodeURIComponent(path);
}

/** The database kibble uses for this URI: the one it names, else DEFAULT_DATABASE_NAME. */
export function kibbleDatabaseName(uri: string): string {
  return databaseNameIn(uri) ?? DEFAULT_DATABASE_NAME;
}

/** The URI with its database named: for banners and messages a user may copy. */
export function uriWithDatabase(uri: string, name: string = kibbleDatabaseName(uri)): string {
  if (databaseNameIn(uri) !== undefined) return uri;
  const [base = '', query] = uri.split('?');
  const withSlash = /^mongodb(\+srv)?:\/\/[^/]*$/i.test(base) ? `${base}/` : base;
  return `${withSlash}${encodeURIComponent(name)}${query === undefined ? '' : `?${query}`}`;
}
