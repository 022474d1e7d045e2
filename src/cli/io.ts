/** Where a command writes; the real process streams, or buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Exit codes: 0 ok, 1 a check said no (address-check), 2 bad usage or input, 70 internal,
 * 75 busy: another process holds the lease, try again later (sysexits' EX_TEMPFAIL),
 * 130 stopped by SIGINT/SIGTERM.
 */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, internal: 70, busy: 75, interrupted: 130 } as const;
