/**
 * Encrypted key files. Each file holds one private key as PKCS#8 DER, encrypted with
 * AES-256-GCM under a key derived from the operator passphrase with scrypt (a fresh salt per
 * file). GCM's tag makes a wrong passphrase and a tampered file fail loudly instead of loading
 * garbage. Hand-written because it is ~60 lines over node:crypto and no library does exactly this.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, scrypt, scryptSync, type KeyObject, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;

export interface KeyFileContent {
  v: 1;
  kid: string;
  alg: string;
  public_jwk: Record<string, unknown>;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  iv: string;
  tag: string;
  ciphertext: string;
}

export class KeyFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(`key file ${file}: ${message}`);
    this.name = 'KeyFileError';
  }
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

export function encryptKeyFile(
  meta: { kid: string; alg: string; publicJwk: Record<string, unknown> },
  privateKey: KeyObject,
  passphrase: string,
): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const kek = scryptSync(passphrase, salt, 32, SCRYPT);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(meta.kid));
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  const content: KeyFileContent = {
    v: 1,
    kid: meta.kid,
    alg: meta.alg,
    public_jwk: meta.publicJwk,
    kdf: { name: 'scrypt', ...SCRYPT, salt: b64u(salt) },
    cipher: 'aes-256-gcm',
    iv: b64u(iv),
    tag: b64u(cipher.getAuthTag()),
    ciphertext: b64u(ciphertext),
  };
  return `${JSON.stringify(content, null, 2)}\n`;
}

function parse(file: string, text: string): KeyFileContent {
  let c: unknown;
  try {
    c = JSON.parse(text);
  } catch {
    throw new KeyFileError(file, 'is not valid JSON (corrupt or truncated)');
  }
  const o = c as Partial<KeyFileContent> | null;
  const ok =
    o !== null && typeof o === 'object' && o.v === 1 && typeof o.kid === 'string' && typeof o.alg === 'string' &&
    o.cipher === 'aes-256-gcm' && o.kdf?.name === 'scrypt' && typeof o.kdf.salt === 'string' &&
    typeof o.iv === 'string' && typeof o.tag === 'string' && typeof o.ciphertext === 'string' &&
    typeof o.public_jwk === 'object' && o.public_jwk !== null;
  if (!ok) throw new KeyFileError(file, 'is not a digital-proof key file (missing or wrong fields)');
  return o as KeyFileContent;
}

export type ReadKeyFile = { content: KeyFileContent; privateKey: KeyObject };

/** The file's content and the scrypt parameters to derive its key with, checked. */
function contentOf(file: string, text: string): { content: KeyFileContent; salt: Buffer; options: ScryptOptions } {
  const content = parse(file, text);
  const { N, r, p, salt } = content.kdf;
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || N > 1 << 20) {
    throw new KeyFileError(file, 'has unusable scrypt parameters');
  }
  return { content, salt: Buffer.from(salt, 'base64url'), options: { N, r, p, maxmem: 256 * N * r + 1024 * 1024 } };
}

/** Decrypts with the derived key (undefined: the derivation failed). */
function decrypt(file: string, content: KeyFileContent, kek: Buffer | undefined): ReadKeyFile {
  let der: Buffer;
  try {
    if (!kek) throw new Error('no key');
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(content.iv, 'base64url'));
    decipher.setAAD(Buffer.from(content.kid));
    decipher.setAuthTag(Buffer.from(content.tag, 'base64url'));
    der = Buffer.concat([decipher.update(Buffer.from(content.ciphertext, 'base64url')), decipher.final()]);
  } catch {
    throw new KeyFileError(file, 'cannot be decrypted: wrong DPROOF_KEY_PASSPHRASE, or the file was altered');
  }
  try {
    return { content, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
  } catch {
    throw new KeyFileError(file, 'holds no usable private key');
  }
}

const unreadable = (file: string, e: unknown) => new KeyFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);

export function readKeyFile(file: string, passphrase: string): ReadKeyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw unreadable(file, e);
  }
  const { content, salt, options } = contentOf(file, text);
  let kek: Buffer | undefined;
  try {
    kek = scryptSync(passphrase, salt, 32, options);
  } catch {
    kek = undefined;
  }
  return decrypt(file, content, kek);
}

/**
 * readKeyFile with the scrypt derivation (50–100 ms of CPU) in libuv's thread pool: a server start
 * loads its code meanwhile instead of waiting for it.
 */
export async function loadKeyFile(file: string, passphrase: string): Promise<ReadKeyFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw unreadable(file, e);
  }
  const { content, salt, options } = contentOf(file, text);
  const kek = await new Promise<Buffer | undefined>((resolve) => scrypt(passphrase, salt, 32, options, (err, key) => resolve(err ? undefined : key)));
  return decrypt(file, content, kek);
}
