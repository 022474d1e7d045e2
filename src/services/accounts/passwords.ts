import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto, no native add-on). The hash string records its
 * parameters, PHC style: `$scrypt$ln=16,r=8,p=1$<salt>$<hash>` (base64, no padding), so the cost
 * can be raised later without breaking existing hashes, and tests can use a cheap cost.
 */

export interface PasswordHashParams {
  /** log2 of scrypt's N (CPU/memory cost). */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/**
 * N=2^16, r=8: 64 MiB and roughly 100-400 ms per hash depending on the machine. OWASP's first
 * choice is N=2^17, but each hash then takes 128 MiB, and libuv runs four at once: 64 MiB keeps a
 * small API instance's memory predictable while sign-ins are rate limited per IP anyway.
 */
export const DEFAULT_PASSWORD_HASH_PARAMS: PasswordHashParams = { ln: 16, r: 8, p: 1 };

/** Bounds on parameters read back from a stored hash: a corrupt row must not cost minutes. */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export async function hashPassword(password: string, params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS): Promise<string> {
  checkParams(params);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/** False for a wrong password and for a hash this module cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === undefined) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throw-away hash, so that a sign-in with an unknown handle takes as long as
 * one with a wrong password and response times do not reveal which handles exist.
 */
export async function verifyAgainstDummy(password: string, params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'), params);
  await verifyPassword(password, await dummyHash);
}

function parseHash(stored: string): { params: PasswordHashParams; salt: Buffer; key: Buffer } | undefined {
  const match = FORMAT.exec(stored);
  if (match === null) return undefined;
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (!paramsWithinLimits(params)) return undefined;
  const salt = Buffer.from(match[4] ?? '', 'base64');
  const key = Buffer.from(match[5] ?? '', 'base64');
  // A cut hash would verify a prefix of the key: accept exactly the length hashPassword writes.
  if (salt.length < SALT_BYTES || key.length !== KEY_BYTES) return undefined;
  return { params, salt, key };
}

function derive(password: string, salt: Buffer, length: number, params: PasswordHashParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // scrypt needs about 128 * N * r bytes; Node refuses above `maxmem` (default 32 MiB).
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  // NFKC: the same password typed on two keyboards (composed or decomposed accents) matches.
  const input = password.normalize('NFKC');
  return new Promise((resolve, reject) => {
    scrypt(input, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function checkParams(params: PasswordHashParams): void {
  if (!paramsWithinLimits(params)) {
    throw new RangeError(`scrypt parameters out of range: ${JSON.stringify(params)} (limits ${JSON.stringify(LIMITS)})`);
  }
}

function paramsWithinLimits(params: PasswordHashParams): boolean {
  return (Object.keys(LIMITS) as (keyof PasswordHashParams)[]).every((name) => {
    const [min, max] = LIMITS[name];
    return Number.isInteger(params[name]) && params[name] >= min && params[name] <= max;
  });
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}
