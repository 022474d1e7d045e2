/** Set by global-setup.ts for the integration run: the MongoDB-compatible server's URI. */
export const TEST_MONGODB_URI_ENV = 'KIBBLE_TEST_MONGODB_URI';
