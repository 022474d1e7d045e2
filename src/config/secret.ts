import { inspect } from 'node:util';

/**
 * Wraps key material and tokens so that logging, JSON or util.inspect never print them.
 * Only the code that really needs the value (the signer, the auth check) calls `reveal()`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
