import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Anything that could carry a secret is redacted by path as a second line
 * of defence; secrets themselves are `Secret` objects that print as "[redacted]".
 */
const REDACTED_PATHS = [
  'password',
  'token',
  'authorization',
  'mnemonic',
  'xprv',
  '*.password',
  '*.token',
  '*.authorization',
  '*.mnemonic',
  '*.xprv',
  'req.headers.authorization',
  'req.headers.cookie',
  // Request bodies and query strings never belong in a log; body-parser puts the raw body on its
  // errors (`err.body`), and express requests carry `body` and `query`.
  'body',
  'query',
  'err.body',
  'err.query',
  'req.body',
  'req.query',
  '*.body',
  '*.query',
  '*.req.body',
  '*.req.query',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'kibble' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
