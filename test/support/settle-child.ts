// One settlement run in a process of its own, for the crash tests: with SETTLE_CRASH_AT it kills
// itself with SIGKILL (no finally blocks, no cleanup, like a power cut) the moment the service
// reaches that checkpoint. Run by test/integration/settlement/crash.test.ts, compiled (child-build.ts).
import { JsonRpcChainClient } from '../../src/node/rpc-client';
import { chainProfile } from '../../src/chain/profiles';
import { connectDatabase, disconnectDatabase } from '../../src/db/connection';
import type { SettlementCheckpoint } from '../../src/services/settlement/state-machine';
import { testSettlementService } from './settlement-world';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`settle-child: ${name} is not set`);
    return value;
  };
  const crashAt = process.env.SETTLE_CRASH_AT as SettlementCheckpoint | undefined;
  // The test's database has its collections and indexes already: syncing them again costs a
  // round trip per collection and index, every start.
  await connectDatabase({ uri: env('SETTLE_DB_URI'), dbName: env('SETTLE_DB_NAME'), syncIndexes: false });
  const service = testSettlementService(new JsonRpcChainClient(env('SETTLE_RPC_URL')), env('SETTLE_FEE_ADDRESS'), {
    leaseHolder: env('SETTLE_LEASE_HOLDER'),
    checkpoint: (name) => {
      if (name === crashAt) process.kill(process.pid, 'SIGKILL');
    },
  }, chainProfile(env('SETTLE_CHAIN')));
  const mode = env('SETTLE_MODE');
  const result = mode === 'follow' ? await service.followConfirmations() : [await service.execute(env('SETTLE_PERIOD'))];
  process.stdout.write(`${JSON.stringify(result.map((settlement) => ({ period: settlement._id, state: settlement.state })))}\n`);
  await disconnectDatabase();
}

main().catch((error: unknown) => {
  process.stderr.write(`settle-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
