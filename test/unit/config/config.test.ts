import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ENV_KEYS, loadConfig, REQUIRED_IN_PRODUCTION, type EnvKey } from '../../../src/config/config';
import { CHAIN_PROFILES } from '../../../src/chain/profiles';
import { createSigner } from '../../../src/signer/hd-signer';
import { isKibbleError } from '../../../src/errors';

const MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const dogecoinXpub = createSigner(CHAIN_PROFILES.dogecoin, { mnemonic: MNEMONIC }).accountXpub();
const DOGECOIN_ADDRESS = 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC';
const STRONG_TOKEN = 'x'.repeat(40);

/** A valid value of each variable a production environment must set, for the chain of `CHAIN`. */
const PRODUCTION_VALUES: Partial<Record<EnvKey, string>> = {
  MONGODB_URI: 'mongodb://db1/kibble',
  CHAIN: 'dogecoin',
  CHAIN_RPC_URL: 'http://user:pw@127.0.0.1:22555/',
  WALLET_XPUB: dogecoinXpub,
  FEE_ADDRESS: DOGECOIN_ADDRESS,
  OPERATOR_TOKEN: STRONG_TOKEN,
};

/**
 * The smallest environment production accepts, built from config's own list of what production
 * requires (so a variable added to it fails here until it has a value above), without PUBLIC_URL,
 * whose https rule is tested on its own.
 */
function productionEnvWithoutPublicUrl(): Record<string, string> {
  const env: Record<string, string> = { NODE_ENV: 'production' };
  for (const key of REQUIRED_IN_PRODUCTION) {
    const value = PRODUCTION_VALUES[key];
    if (value === undefined) throw new Error(`config requires ${key} in production: give it a valid value in PRODUCTION_VALUES`);
    env[key] = value;
  }
  return env;
}
const PRODUCTION_ENV = { ...productionEnvWithoutPublicUrl(), PUBLIC_URL: 'https://kibble.example' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (isKibbleError(error, 'config-invalid')) return error.details?.problems as string[];
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('gives development defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      serviceFeeBps: 1000,
      minConfirmations: 6,
      settlementCron: '0 0 1 * *',
      unclaimedMonths: 6,
      mongodbUri: undefined,
      chainRpcUrl: undefined,
    });
    expect(config.chain.name).toBe('bcoin-regtest');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', CHAIN: '', MONGODB_URI: '' }).port).toBe(3000);
  });

  it('parses a full production environment', () => {
    const config = loadConfig({
      ...PRODUCTION_ENV,
      MONGODB_URI: 'mongodb://db1,db2/kibble?replicaSet=rs0',
      SERVICE_FEE_BPS: '250',
      PORT: '8080',
    });
    expect(config.chain.name).toBe('dogecoin');
    expect(config.serviceFeeBps).toBe(250);
    expect(config.port).toBe(8080);
    expect(config.chainRpcUrl?.reveal()).toBe('http://user:pw@127.0.0.1:22555/');
  });

  it('lists every problem at once, naming each variable', () => {
    const problems = problemsOf({
      PORT: '70000',
      SERVICE_FEE_BPS: '12.5',
      CHAIN: 'bitcoin',
      MIN_CONFIRMATIONS: '0',
      SETTLEMENT_CRON: 'every monday',
      MONGODB_URI: 'postgres://x',
    });
    const keys = problems.map((problem) => problem.split(':')[0]);
    expect(keys.sort()).toEqual(
      ['CHAIN', 'MIN_CONFIRMATIONS', 'MONGODB_URI', 'PORT', 'SERVICE_FEE_BPS', 'SETTLEMENT_CRON'].sort(),
    );
  });

  it('requires the production settings and names each missing one', () => {
    const problems = problemsOf({ NODE_ENV: 'production', OPERATOR_TOKEN: 'short' });
    for (const key of REQUIRED_IN_PRODUCTION.filter((required) => required !== 'OPERATOR_TOKEN')) {
      expect(problems).toContainEqual(`${key}: required when NODE_ENV=production`);
    }
    expect(problems.some((problem) => problem.startsWith('OPERATOR_TOKEN:'))).toBe(true);
  });

  it('refuses production without an https PUBLIC_URL, unless ALLOW_HTTP_PUBLIC_URL=true', () => {
    const production = productionEnvWithoutPublicUrl();
    for (const publicUrl of [undefined, 'http://kibble.example']) {
      const problems = problemsOf({ ...production, ...(publicUrl === undefined ? {} : { PUBLIC_URL: publicUrl }) });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^PUBLIC_URL: must be an https:\/\/ origin when NODE_ENV=production.*ALLOW_HTTP_PUBLIC_URL=true/);
    }
    expect(loadConfig({ ...production, PUBLIC_URL: 'https://kibble.example/' }).publicUrl).toBe('https://kibble.example');
    const optedOut = loadConfig({ ...production, PUBLIC_URL: 'http://kibble.internal', ALLOW_HTTP_PUBLIC_URL: 'true' });
    expect({ publicUrl: optedOut.publicUrl, allowHttpPublicUrl: optedOut.allowHttpPublicUrl }).toEqual({ publicUrl: 'http://kibble.internal', allowHttpPublicUrl: true });
    expect(problemsOf({ ...production, ALLOW_HTTP_PUBLIC_URL: 'yes' }).map((p) => p.split(':')[0]).sort()).toEqual(['ALLOW_HTTP_PUBLIC_URL']);
    // development and tests keep their http default
    expect(loadConfig({}).allowHttpPublicUrl).toBe(false);
  });

  it('reads TRUST_PROXY as express reads `trust proxy`', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy).toBe('10.0.0.0/8, loopback');
    expect(problemsOf({ TRUST_PROXY: 'everyone' }).map((p) => p.split(':')[0])).toEqual(['TRUST_PROXY']);
  });

  it('checks the fee address and xpub against the configured chain', () => {
    const problems = problemsOf({
      CHAIN: 'litecoin',
      FEE_ADDRESS: DOGECOIN_ADDRESS,
      WALLET_XPUB: dogecoinXpub,
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['FEE_ADDRESS', 'WALLET_XPUB']);
  });

  it('takes lease slots of 30 s and 60 s by default, and from 5 s to an hour', () => {
    expect(loadConfig({})).toMatchObject({ scannerLeaseSeconds: 30, settlementLeaseSeconds: 60 });
    expect(loadConfig({ SCAN_INTERVAL_SECONDS: '1', SCANNER_LEASE_SECONDS: '5', SETTLEMENT_LEASE_SECONDS: '8' })).toMatchObject({ scannerLeaseSeconds: 5, settlementLeaseSeconds: 8 });
    expect(problemsOf({ SCANNER_LEASE_SECONDS: '4', SETTLEMENT_LEASE_SECONDS: '3601' }).map((problem) => problem.split(':')[0]).sort()).toEqual(['SCANNER_LEASE_SECONDS', 'SETTLEMENT_LEASE_SECONDS']);
  });

  it('refuses both an extended private key and a mnemonic', () => {
    expect(problemsOf({ WALLET_XPRV: 'a', WALLET_MNEMONIC: 'b' })).toHaveLength(1);
  });

  it('never prints secrets through JSON or inspect', () => {
    const config = loadConfig({ WALLET_MNEMONIC: MNEMONIC, OPERATOR_TOKEN: STRONG_TOKEN });
    const json = JSON.stringify(config, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
    const printed = json + inspect(config, { depth: 5 });
    expect(printed).not.toContain('abandon');
    expect(printed).not.toContain(STRONG_TOKEN);
    expect(config.walletMnemonic?.reveal()).toBe(MNEMONIC);
  });
});

describe('.env.example', () => {
  const lines = readFileSync(join(__dirname, '../../../.env.example'), 'utf8').split('\n');
  const documented = lines
    .map((line, index) => ({ key: /^([A-Z0-9_]+)=/.exec(line)?.[1], index }))
    .filter((entry): entry is { key: string; index: number } => entry.key !== undefined);

  it('lists every variable of the config schema, and nothing else', () => {
    expect(documented.map((entry) => entry.key).sort()).toEqual([...ENV_KEYS].sort());
  });

  it('documents each variable in a comment above it', () => {
    for (const { key, index } of documented) {
      let above = index - 1;
      while (above >= 0 && /^[A-Z0-9_]+=/.test(lines[above] ?? '')) above -= 1;
      expect({ key, comment: lines[above]?.startsWith('#') }).toEqual({ key, comment: true });
    }
  });
});

describe('SIGNER_URL', () => {
  const xpub = { CHAIN: 'dogecoin', WALLET_XPUB: dogecoinXpub };

  it('takes a unix socket URL next to WALLET_XPUB', () => {
    expect(loadConfig({ ...xpub, SIGNER_URL: 'unix:/run/kibble/signer.sock' }).signerUrl).toBe('unix:/run/kibble/signer.sock');
  });

  it('refuses another scheme, a key beside it, and a missing WALLET_XPUB, each with its message', () => {
    expect(problemsOf({ ...xpub, SIGNER_URL: 'http://127.0.0.1:9000' })).toEqual([expect.stringMatching(/^SIGNER_URL: must be unix:/)]);
    expect(problemsOf({ ...xpub, SIGNER_URL: 'unix:/s.sock', WALLET_MNEMONIC: MNEMONIC })).toEqual([expect.stringMatching(/^SIGNER_URL: the key lives in the signer/)]);
    expect(problemsOf({ CHAIN: 'dogecoin', SIGNER_URL: 'unix:/s.sock' })).toEqual([expect.stringMatching(/^SIGNER_URL: needs WALLET_XPUB/)]);
  });
});

describe('SMTP_URL and MAIL_FROM', () => {
  it('takes smtp:// and smtps:// URLs, as a secret, and a From address alone or with a name', () => {
    const config = loadConfig({ SMTP_URL: 'smtps://user:pass@mail.example:465', MAIL_FROM: 'kibble <hello@kibble.example>' });
    expect(config.smtpUrl?.reveal()).toBe('smtps://user:pass@mail.example:465');
    expect(config.mailFrom).toBe('kibble <hello@kibble.example>');
    expect(loadConfig({ PUBLIC_URL: 'https://kibble.example' }).mailFrom).toBe('kibble@kibble.example');
  });

  it('refuses other URLs and From values that are not one address', () => {
    expect(problemsOf({ SMTP_URL: 'http://mail.example' })).toEqual([expect.stringMatching(/^SMTP_URL: must be a URL starting with smtp:\/\/ or smtps:\/\//)]);
    expect(problemsOf({ MAIL_FROM: 'not an address' })).toEqual([expect.stringMatching(/^MAIL_FROM: must be an e-mail address/)]);
    expect(problemsOf({ MAIL_FROM: 'a@b.example\r\nBcc: c@d.example' })).toEqual([expect.stringMatching(/^MAIL_FROM:/)]);
  });
});

describe('OUTBOUND_ALLOW_PRIVATE', () => {
  it('is false by default, true when asked outside production, and refused in production', () => {
    expect(loadConfig({}).outboundAllowPrivate).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', OUTBOUND_ALLOW_PRIVATE: 'true' }).outboundAllowPrivate).toBe(true);
    const production = PRODUCTION_ENV;
    expect(loadConfig(production).outboundAllowPrivate).toBe(false);
    expect(problemsOf({ ...production, OUTBOUND_ALLOW_PRIVATE: 'true' })).toEqual([
      expect.stringMatching(/^OUTBOUND_ALLOW_PRIVATE: must not be true when NODE_ENV=production/),
    ]);
  });
});

describe('EMBEDDED_TEST_PRICES', () => {
  it('defaults to a price for every currency kibble shows when unset, and is off when empty', () => {
    expect(loadConfig({}).embeddedTestPrices).toEqual([
      { currency: 'EUR', rate: '0.10' },
      { currency: 'USD', rate: '0.11' },
      { currency: 'GBP', rate: '0.09' },
      { currency: 'CHF', rate: '0.09' },
      { currency: 'JPY', rate: '16' },
      { currency: 'CAD', rate: '0.15' },
      { currency: 'AUD', rate: '0.17' },
    ]);
    expect(loadConfig({ EMBEDDED_TEST_PRICES: '' }).embeddedTestPrices).toEqual([]);
    expect(loadConfig({ EMBEDDED_TEST_PRICES: ' gbp = 0.08 , JPY=16 ' }).embeddedTestPrices).toEqual([
      { currency: 'GBP', rate: '0.08' },
      { currency: 'JPY', rate: '16' },
    ]);
  });

  it.each([
    ['EUR', /"EUR" is not CURRENCY=RATE/],
    ['XYZ=1', /XYZ is not one of EUR, USD/],
    ['EUR=0.1,EUR=0.2', /EUR is given twice/],
    ['EUR=0', /above zero/],
    ['EUR=-1', /EUR rate/],
    ['EUR=1e3', /EUR rate/],
  ])('refuses %s with a message saying why', (value, why) => {
    expect(problemsOf({ EMBEDDED_TEST_PRICES: value })).toEqual([expect.stringMatching(/^EMBEDDED_TEST_PRICES: must be CURRENCY=RATE pairs/)]);
    expect(problemsOf({ EMBEDDED_TEST_PRICES: value })[0]).toMatch(why);
  });
});
