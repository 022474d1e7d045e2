// A real pino logger (src/log.ts) whose lines are kept in memory, for tests that check what
// reaches the log (and what never does: secrets, bodies, query strings).
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log';

export interface CapturedLog {
  /** Every line written so far, in order (each a JSON object and a newline). */
  readonly lines: string[];
  readonly logger: Logger;
}

export function capturedLog(level = 'info'): CapturedLog {
  const lines: string[] = [];
  const logger = createLogger(
    level,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  return { lines, logger };
}
