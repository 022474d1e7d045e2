import mongoose from 'mongoose';

/**
 * Times every database command a bench sends, by command, collection and the shape of its filter
 * (the top-level field names, e.g. `find ledger_entries {book,account}`): where a step's time
 * goes. The connection must have been opened with `monitorCommands: true` (the driver's command
 * events cannot be switched on later). Times of commands in flight together add up, so a row's
 * total can exceed the step's wall time.
 */
export interface CommandTime {
  calls: number;
  ms: number;
  /** Documents sent (inserts, updates) or returned in the first batch (finds). */
  docs: number;
}

export type CommandProfile = Record<string, CommandTime>;

export class CommandProfiler {
  #current: CommandProfile = {};
  readonly #pending = new Map<number, { key: string; started: bigint; docs: number }>();
  readonly #client = mongoose.connection.getClient();

  constructor() {
    this.#client.on('commandStarted', (event) => {
      const command = event.command as Record<string, unknown>;
      this.#pending.set(event.requestId, { key: keyOf(event.commandName, command), started: process.hrtime.bigint(), docs: sentDocs(command) });
    });
    const done = (event: { requestId: number; reply?: unknown }): void => {
      const pending = this.#pending.get(event.requestId);
      if (!pending) return;
      this.#pending.delete(event.requestId);
      const entry = (this.#current[pending.key] ??= { calls: 0, ms: 0, docs: 0 });
      entry.calls += 1;
      entry.ms += Number(process.hrtime.bigint() - pending.started) / 1e6;
      entry.docs += pending.docs + returnedDocs(event.reply);
    };
    this.#client.on('commandSucceeded', done);
    this.#client.on('commandFailed', done);
  }

  /** What was recorded since the last call; starts afresh. */
  take(): CommandProfile {
    const taken = this.#current;
    this.#current = {};
    return taken;
  }

  stop(): void {
    this.#client.removeAllListeners('commandStarted');
    this.#client.removeAllListeners('commandSucceeded');
    this.#client.removeAllListeners('commandFailed');
  }
}

/** The rows of a profile, slowest first, as text lines (those over `minMs` only). */
export function profileLines(profile: CommandProfile, minMs = 20): string[] {
  return Object.entries(profile)
    .filter(([, time]) => time.ms >= minMs)
    .sort(([, a], [, b]) => b.ms - a.ms)
    .map(([key, time]) => `${(time.ms / 1000).toFixed(2).padStart(8)} s ${String(time.calls).padStart(6)} calls ${String(time.docs).padStart(8)} docs  ${key}`);
}

function keyOf(name: string, command: Record<string, unknown>): string {
  const target = command[name];
  const collection = typeof target === 'string' ? ` ${target}` : '';
  return `${name}${collection}${shapeOf(name, command)}`;
}

function shapeOf(name: string, command: Record<string, unknown>): string {
  const fields = (filter: unknown): string => (filter !== null && typeof filter === 'object' ? `{${Object.keys(filter).join(',')}}` : '');
  if (name === 'find' || name === 'count' || name === 'distinct') return ` ${fields(command.filter ?? command.query)}`;
  if (name === 'findAndModify') return ` ${fields(command.query)}`;
  if (name === 'update' || name === 'delete') {
    const first = (command[name === 'update' ? 'updates' : 'deletes'] as Array<{ q?: unknown }> | undefined)?.[0];
    return ` ${fields(first?.q)}`;
  }
  if (name === 'aggregate') {
    const first = (command.pipeline as Array<Record<string, unknown>> | undefined)?.[0];
    return first === undefined ? '' : ` ${Object.keys(first).join(',')} ${fields(first.$match)}`;
  }
  return '';
}

function sentDocs(command: Record<string, unknown>): number {
  for (const field of ['documents', 'updates', 'deletes']) {
    const list = command[field];
    if (Array.isArray(list)) return list.length;
  }
  return 0;
}

function returnedDocs(reply: unknown): number {
  const cursor = (reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } } | undefined)?.cursor;
  return cursor?.firstBatch?.length ?? cursor?.nextBatch?.length ?? 0;
}
