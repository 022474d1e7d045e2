import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { kibbleNodeArgs } from './child-build';

// `kibble signer` as a child process of a test, like an operator runs it (compiled:
// test/support/child-build.ts).

export interface SignerChild {
  child: ChildProcess;
  socketUrl: string;
  /** Everything it printed so far (stdout and stderr, the JSON log lines included). */
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<string>;
}

/** Resolves once it listens; rejects with what it printed when it exits first. */
export function startSignerProcess(stateDir: string, chainName: string, args: string[] = [], env: Record<string, string> = {}): Promise<SignerChild> {
  const child = spawn(process.execPath, [...kibbleNodeArgs(), 'signer', '--state-dir', stateDir, '--chain', chainName, ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const running: SignerChild = {
    child,
    socketUrl: `unix:${join(stateDir, 'signer.sock')}`,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return output;
    },
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('listening on unix:')) resolve(running);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`signer exited (${code}) before listening: ${output}`)));
  });
}

/** Key material a log must never hold: extended private keys, WIFs of these chains, mnemonic words. */
export function keyMaterialIn(text: string, mnemonic: string): string[] {
  const found: string[] = [];
  if (/[a-z]prv[1-9A-HJ-NP-Za-km-z]{40,}/.test(text)) found.push('an extended private key');
  if (/\b[5KLc9][1-9A-HJ-NP-Za-km-z]{50,51}\b/.test(text)) found.push('something shaped like a WIF');
  // Any three words of the mnemonic in a row (one common word alone, like "about", proves nothing).
  const words = mnemonic.split(' ');
  for (let i = 0; i + 3 <= words.length; i++) {
    const run = words.slice(i, i + 3).join(' ');
    if (text.includes(run)) found.push(`mnemonic words ${i + 1}-${i + 3}`);
  }
  return found;
}
