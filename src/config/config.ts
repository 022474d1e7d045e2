import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { KibbleError } from '../errors';
import { checkAddress } from '../chain/address';
import { parseAccountXpub } from '../keys/hd';
import { CHAIN_NAMES, CHAIN_PROFILES, type ChainProfile } from '../chain/profiles';
import { Secret } from './secret';
import { DEFAULT_EMBEDDED_TEST_PRICES, parseTestPrices, type TestPrice } from './embedded-test-prices';

/**
 * The environment, parsed once into a typed config. Nothing else in kibble reads `process.env`:
 * every variable is named here, with its default for development, and documented in `.env.example`.
 */

// Unset and empty are the same thing in a .env file.
const optionalText = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().optional(),
);

function integer(min: number, max: number, fallback: number) {
  return z.preprocess(
    (value) => (value === undefined || value === '' ? String(fallback) : value),
    z
      .string()
      .regex(/^[0-9]+$/, `must be a whole number from ${min} to ${max}`)
      .transform(Number)
      .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),
  );
}

const urlWithProtocols = (protocols: readonly string[]) =>
  optionalText.refine(
    (value) => value === undefined || protocols.some((p) => value.startsWith(`${p}://`)),
    `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  );

/**
 * Shortest lease slot: a settlement step that closes a month early waits about 1.5 s for every
 * instance to see the closure, and a slot must outlast the step that claimed it.
 */
const MIN_LEASE_SECONDS = 5;

/** An IP address or subnet, or one of express's names for a range. */
const PROXY_ADDRESS = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/[0-9]{1,3})?)$/;

export const ENV_SCHEMA = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: optionalText.default('.data'),
  HOST: optionalText.default('127.0.0.1'),
  PORT: integer(1, 65_535, 3000),
  PUBLIC_URL: urlWithProtocols(['http', 'https']),
  TRUST_PROXY: optionalText.refine(
    (value) => value === undefined || /^(true|false|[0-9]{1,2})$/.test(value) || value.split(',').every((item) => PROXY_ADDRESS.test(item.trim())),
    "must be false, true, a number of proxies (1), or the proxies' addresses, comma-separated (10.0.0.0/8, loopback)",
  ),
  ALLOW_HTTP_PUBLIC_URL: optionalText.pipe(z.enum(['true', 'false']).default('false')).transform((value) => value === 'true'),
  MONGODB_URI: urlWithProtocols(['mongodb', 'mongodb+srv']),
  CHAIN: optionalText.pipe(z.enum(CHAIN_NAMES).optional()),
  CHAIN_RPC_URL: urlWithProtocols(['http', 'https']),
  WALLET_XPUB: optionalText,
  WALLET_XPRV: optionalText,
  WALLET_MNEMONIC: optionalText,
  FEE_ADDRESS: optionalText,
  SERVICE_FEE_BPS: integer(0, 10_000, 1000),
  MIN_CONFIRMATIONS: integer(1, 1000, 6),
  SETTLEMENT_CRON: optionalText
    .default('0 0 1 * *')
    .refine((value) => isValidCron(value), 'must be a cron expression such as "0 0 1 * *"'),
  UNCLAIMED_MONTHS: integer(1, 120, 6),
  SCAN_INTERVAL_SECONDS: integer(1, 3600, 10),
  EMBEDDED_BLOCK_SECONDS: integer(0, 3600, 5),
  SCANNER_LEASE_SECONDS: integer(MIN_LEASE_SECONDS, 3600, 30),
  SETTLEMENT_LEASE_SECONDS: integer(MIN_LEASE_SECONDS, 3600, 60),
  SCAN_START_HEIGHT: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9]{1,10}$/, 'must be a block height (a whole number >= 0)')
      .transform(Number)
      .optional(),
  ),
  OPERATOR_TOKEN: optionalText,
  SIGNER_URL: optionalText.refine((value) => value === undefined || /^unix:\/./.test(value), 'must be unix:/absolute/path/to/signer.sock (a `kibble signer` socket)'),
  SMTP_URL: urlWithProtocols(['smtp', 'smtps']),
  MAIL_FROM: optionalText.refine((value) => value === undefined || isMailFrom(value), 'must be an e-mail address, alone or as "Name <address@example.org>"'),
  OPERATOR_EMAIL: optionalText.refine((value) => value === undefined || /^[^\s@<>]+@[^\s@<>]+$/.test(value), 'must be an e-mail address (operator alerts are mailed there)'),
  REMINDER_DAYS_BEFORE_MONTH_END: integer(0, 27, 3),
  NOTIFY_INTERVAL_SECONDS: integer(1, 3600, 60),
  OUTBOUND_ALLOW_PRIVATE: optionalText.pipe(z.enum(['true', 'false']).default('false')).transform((value) => value === 'true'),
  WEBHOOK_INTERVAL_SECONDS: integer(1, 3600, 5),
  WEBHOOK_TIMEOUT_SECONDS: integer(1, 120, 10),
  WEBHOOK_DISABLE_AFTER_DAYS: integer(1, 365, 3),
  PRICE_SOURCE_URL: urlWithProtocols(['https', 'http']),
  PRICE_CACHE_SECONDS: integer(5, 86_400, 300),
  // Unset: the default prices; empty: none (so not optionalText, which makes empty the same as unset).
  EMBEDDED_TEST_PRICES: z
    .string()
    .optional()
    .transform((value, context) => {
      try {
        return parseTestPrices(value ?? DEFAULT_EMBEDDED_TEST_PRICES);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `must be CURRENCY=RATE pairs separated by commas, e.g. ${DEFAULT_EMBEDDED_TEST_PRICES}, or empty for none: ${error instanceof Error ? error.message : String(error)}` });
        return z.NEVER;
      }
    }),
  PRICE_COIN_ID: optionalText.refine((value) => value === undefined || /^[a-z0-9-]{1,64}$/.test(value), 'must be a coin id like dogecoin (lower-case letters, digits, dashes)'),
});

export type EnvKey = keyof typeof ENV_SCHEMA.shape;
export const ENV_KEYS = Object.keys(ENV_SCHEMA.shape) as EnvKey[];

/** Chain used when nothing is configured: the embedded, in-process bcoin regtest node. */
export const EMBEDDED_CHAIN = 'bcoin-regtest';

/** Variables without which a production deployment must not start (DESIGN.md section 7). */
export const REQUIRED_IN_PRODUCTION: readonly EnvKey[] = [
  'MONGODB_URI',
  'CHAIN',
  'CHAIN_RPC_URL',
  'WALLET_XPUB',
  'FEE_ADDRESS',
  'OPERATOR_TOKEN',
];
const MIN_OPERATOR_TOKEN_LENGTH = 32;

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  logLevel: string;
  dataDir: string;
  host: string;
  port: number;
  /** Origin that embedded buttons and links point to; default http://<HOST>:<PORT>. */
  publicUrl: string;
  /**
   * Production accepts a PUBLIC_URL that is not https (ALLOW_HTTP_PUBLIC_URL=true): cookies then
   * lose Secure and the __Host- prefix. `kibble serve` logs a warning at every start.
   */
  allowHttpPublicUrl: boolean;
  /**
   * express's `trust proxy`: which proxies in front may name the client's IP (X-Forwarded-For),
   * which rate limits count by. false: none (the default; every client is the socket's peer).
   */
  trustProxy: boolean | number | string;
  /** Absent: the embedded local MongoDB-compatible server (development only). */
  mongodbUri: string | undefined;
  chain: ChainProfile;
  /** Absent: the embedded regtest node (development only). */
  chainRpcUrl: Secret | undefined;
  walletXpub: string | undefined;
  /** Only the settlement signer reads these. */
  walletXprv: Secret | undefined;
  walletMnemonic: Secret | undefined;
  feeAddress: string | undefined;
  serviceFeeBps: number;
  minConfirmations: number;
  settlementCron: string;
  unclaimedMonths: number;
  scanIntervalSeconds: number;
  /** The embedded regtest node mines a block this often (0: never); only there, never on a real chain. */
  embeddedBlockSeconds: number;
  /** Prices the embedded regtest stack serves itself when PRICE_SOURCE_URL is unset (empty: none); only there. */
  embeddedTestPrices: TestPrice[];
  /** Slot length of the scanner lease: a dead holder's lease passes on within two slots. */
  scannerLeaseSeconds: number;
  /** Slot length of the settlement lease, likewise. */
  settlementLeaseSeconds: number;
  /** First block the deposit scanner reads on its very first run; default: the tip then. */
  scanStartHeight: number | undefined;
  operatorToken: Secret | undefined;
  /** A `kibble signer` socket (unix:/path): the settlement signs there, with no key in this process. */
  signerUrl: string | undefined;
  /** Where mail is sent (smtp:// or smtps://, credentials in the URL); absent: mail stays queued. */
  smtpUrl: Secret | undefined;
  /** The From of every mail; default kibble@<host of PUBLIC_URL>. */
  mailFrom: string;
  /** Where operator alerts are mailed (settlement failed or stuck, scanner lagging, node down, custody short); none: events only. */
  operatorEmail: string | undefined;
  /** Donors short of their budget are reminded this many days before the month ends (0: never). */
  reminderDaysBeforeMonthEnd: number;
  /** How often the notification jobs look for what to tell (operator conditions, digests, reminders, statements). */
  notifyIntervalSeconds: number;
  /**
   * Outgoing requests (webhooks, price sources) may reach private, loopback and link-local
   * addresses: for tests and local development only; refused in production.
   */
  outboundAllowPrivate: boolean;
  /** How often the webhook worker fans out new events and sends due deliveries. */
  webhookIntervalSeconds: number;
  /** Whole-request timeout of one webhook delivery attempt. */
  webhookTimeoutSeconds: number;
  /** An endpoint with no successful delivery for this many days is disabled. */
  webhookDisableAfterDays: number;
  /** A CoinGecko-style simple-price endpoint; absent: no fiat values, and fiat budgets need `settle --rate`. */
  priceSourceUrl: string | undefined;
  /** How long a fetched price is used before it is asked again. */
  priceCacheSeconds: number;
  /** The coin's id at the price source (default: the chain profile's). */
  priceCoinId: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = process.env): Config {
  const parsed = ENV_SCHEMA.safeParse(pickEnv(env));
  if (!parsed.success) {
    throw configError(parsed.error.issues.map((issue) => `${issueKey(issue.path)}: ${issue.message}`));
  }
  const values = parsed.data;
  const chain = CHAIN_PROFILES[values.CHAIN ?? EMBEDDED_CHAIN];
  const problems = crossFieldProblems(values, chain);
  if (problems.length > 0) throw configError(problems);

  return {
    nodeEnv: values.NODE_ENV,
    logLevel: values.LOG_LEVEL,
    dataDir: values.DATA_DIR,
    host: values.HOST,
    port: values.PORT,
    publicUrl: (values.PUBLIC_URL ?? `http://${values.HOST}:${values.PORT}`).replace(/\/+$/, ''),
    allowHttpPublicUrl: values.ALLOW_HTTP_PUBLIC_URL,
    trustProxy: trustProxyOf(values.TRUST_PROXY),
    mongodbUri: values.MONGODB_URI,
    chain,
    chainRpcUrl: secretOf(values.CHAIN_RPC_URL),
    walletXpub: values.WALLET_XPUB,
    walletXprv: secretOf(values.WALLET_XPRV),
    walletMnemonic: secretOf(values.WALLET_MNEMONIC),
    feeAddress: values.FEE_ADDRESS,
    serviceFeeBps: values.SERVICE_FEE_BPS,
    minConfirmations: values.MIN_CONFIRMATIONS,
    settlementCron: values.SETTLEMENT_CRON,
    unclaimedMonths: values.UNCLAIMED_MONTHS,
    scanIntervalSeconds: values.SCAN_INTERVAL_SECONDS,
    embeddedBlockSeconds: values.EMBEDDED_BLOCK_SECONDS,
    embeddedTestPrices: values.EMBEDDED_TEST_PRICES,
    scannerLeaseSeconds: values.SCANNER_LEASE_SECONDS,
    settlementLeaseSeconds: values.SETTLEMENT_LEASE_SECONDS,
    scanStartHeight: values.SCAN_START_HEIGHT,
    operatorToken: secretOf(values.OPERATOR_TOKEN),
    signerUrl: values.SIGNER_URL,
    smtpUrl: secretOf(values.SMTP_URL),
    mailFrom: values.MAIL_FROM ?? `kibble@${new URL(values.PUBLIC_URL ?? `http://${values.HOST}`).hostname}`,
    operatorEmail: values.OPERATOR_EMAIL,
    reminderDaysBeforeMonthEnd: values.REMINDER_DAYS_BEFORE_MONTH_END,
    notifyIntervalSeconds: values.NOTIFY_INTERVAL_SECONDS,
    outboundAllowPrivate: values.OUTBOUND_ALLOW_PRIVATE,
    webhookIntervalSeconds: values.WEBHOOK_INTERVAL_SECONDS,
    webhookTimeoutSeconds: values.WEBHOOK_TIMEOUT_SECONDS,
    webhookDisableAfterDays: values.WEBHOOK_DISABLE_AFTER_DAYS,
    priceSourceUrl: values.PRICE_SOURCE_URL,
    priceCacheSeconds: values.PRICE_CACHE_SECONDS,
    priceCoinId: values.PRICE_COIN_ID ?? chain.priceCoinId,
  };
}

function pickEnv(env: Env): Record<string, string | undefined> {
  return Object.fromEntries(ENV_KEYS.map((key) => [key, env[key]]));
}

function crossFieldProblems(values: z.infer<typeof ENV_SCHEMA>, chain: ChainProfile): string[] {
  const problems: string[] = [];
  if (values.NODE_ENV === 'production') {
    for (const key of REQUIRED_IN_PRODUCTION) {
      if (values[key] === undefined) problems.push(`${key}: required when NODE_ENV=production`);
    }
    const token = values.OPERATOR_TOKEN;
    if (token !== undefined && token.length < MIN_OPERATOR_TOKEN_LENGTH) {
      problems.push(`OPERATOR_TOKEN: must be at least ${MIN_OPERATOR_TOKEN_LENGTH} characters in production`);
    }
    // Over http the session cookies travel in clear and lose Secure and the __Host- prefix.
    if (!(values.PUBLIC_URL ?? '').startsWith('https://') && !values.ALLOW_HTTP_PUBLIC_URL) {
      problems.push(
        'PUBLIC_URL: must be an https:// origin when NODE_ENV=production (behind a TLS-ending proxy, give the public https origin; ' +
          'to run without https anyway, set ALLOW_HTTP_PUBLIC_URL=true)',
      );
    }
  }
  if (values.NODE_ENV === 'production' && values.OUTBOUND_ALLOW_PRIVATE) {
    problems.push('OUTBOUND_ALLOW_PRIVATE: must not be true when NODE_ENV=production (it lets webhooks reach private and loopback addresses)');
  }
  if (values.WALLET_XPRV !== undefined && values.WALLET_MNEMONIC !== undefined) {
    problems.push('WALLET_XPRV, WALLET_MNEMONIC: set one of them, not both');
  }
  if (values.SIGNER_URL !== undefined && (values.WALLET_XPRV !== undefined || values.WALLET_MNEMONIC !== undefined)) {
    problems.push('SIGNER_URL: the key lives in the signer; with SIGNER_URL set, WALLET_XPRV and WALLET_MNEMONIC must not be');
  }
  if (values.SIGNER_URL !== undefined && values.WALLET_XPUB === undefined) {
    problems.push('SIGNER_URL: needs WALLET_XPUB as well (the service derives change addresses from it)');
  }
  if (values.WALLET_XPUB !== undefined) {
    try {
      parseAccountXpub(chain, values.WALLET_XPUB);
    } catch (error) {
      problems.push(`WALLET_XPUB: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (values.FEE_ADDRESS !== undefined) {
    const check = checkAddress(chain, values.FEE_ADDRESS);
    if (!check.valid) problems.push(`FEE_ADDRESS: ${check.message}`);
  }
  return problems;
}

function configError(problems: string[]): KibbleError {
  return new KibbleError(
    'config-invalid',
    `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
      problems.map((problem) => `  - ${problem}`).join('\n'),
    { problems },
  );
}

function issueKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(environment)';
}

function trustProxyOf(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^[0-9]+$/.test(value) ? Number(value) : value;
}

/** `a@b.example` or `Name <a@b.example>`: one address, no line breaks (they would add headers). */
function isMailFrom(value: string): boolean {
  const address = /^[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+$/;
  const named = /^([^<>\r\n]+?)\s*<([^<>\s]+)>$/.exec(value);
  return named === null ? address.test(value) : address.test(named[2] ?? '');
}

function secretOf(value: string | undefined): Secret | undefined {
  return value === undefined ? undefined : new Secret(value);
}
