// A webhook worker in a process of its own, for the kill test: it runs passes until killed (the
// test SIGKILLs it while a receiver holds a delivery open, like a power cut mid-request).
import { connectDatabase } from '../../src/db/connection';
import { createLogger } from '../../src/log';
import { createOutbound } from '../../src/net/outbound';
import { webhookPass } from '../../src/services/webhooks/delivery';

async function main(): Promise<void> {
  const uri = process.env.WEBHOOK_DB_URI;
  const dbName = process.env.WEBHOOK_DB_NAME;
  if (!uri || !dbName) throw new Error('webhook-child: WEBHOOK_DB_URI and WEBHOOK_DB_NAME must be set');
  await connectDatabase({ uri, dbName });
  const deps = {
    fetch: createOutbound({ allowPrivate: true }),
    clock: () => new Date(),
    settings: { disableAfterMs: 86_400_000, timeoutMs: 60_000, gapGraceMs: 0 },
    log: createLogger('silent'),
  };
  process.stdout.write('ready\n');
  for (;;) {
    await webhookPass(deps);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`webhook-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
