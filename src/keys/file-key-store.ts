import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Signer, SigningAlg } from './signer.js';
import { createSigner } from './create-signer.js';
import { encryptKeyFile, loadKeyFile, KeyFileError, type KeyFileContent, type ReadKeyFile } from './key-file.js';
import { writeFileAtomic } from './atomic-write.js';
import type { GeneratedKey, KeyBackend } from './key-backend.js';
import { PKCS11_REF_PREFIX } from './pkcs11/key-ref.js';

export type { GeneratedKey } from './key-backend.js';

/** Keys just written and not yet loaded, kept at most (oldest dropped: their load decrypts). */
const MAX_WRITTEN = 8;

export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'EdDSA'];

export const isSigningAlg = (v: unknown): v is SigningAlg => v === 'ES256' || v === 'EdDSA';

/** Public JWK with kid/alg/use, and without any private member. */
export async function publicJwkOf(publicKey: KeyObject, alg: SigningAlg): Promise<JWK> {
  const raw = publicKey.export({ format: 'jwk' }) as JWK;
  const base: JWK = raw.kty === 'EC' ? { kty: 'EC', crv: raw.crv, x: raw.x, y: raw.y } : { kty: 'OKP', crv: raw.crv, x: raw.x };
  const kid = await calculateJwkThumbprint(base, 'sha256');
  return { ...base, kid, alg, use: 'sig' };
}

/**
 * Keeps private keys in KEYS_DIR, one encrypted file per key. The PKCS#11 backend
 * (pkcs11/pkcs11-key-store.ts) is the hardware alternative: the rest of the service only sees `Signer`.
 */
export class FileKeyStore implements KeyBackend {
  readonly name = 'file';

  /**
   * Keys this store just wrote, by file, with the file's text: the first load of that file finds
   * the same bytes and takes the key as made, where decrypting would spend another scrypt
   * (50–100 ms of CPU: a first start, a rotation, a verifier identity made and used). A file that
   * changed since is read and decrypted as any other.
   */
  private readonly written = new Map<string, { text: string; privateKey: KeyObject }>();

  constructor(readonly dir: string, private readonly passphrase: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  async generate(alg: SigningAlg): Promise<GeneratedKey> {
    const { privateKey, publicKey } =
      alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
    const publicJwk = await publicJwkOf(publicKey, alg);
    const kid = publicJwk.kid as string;
    const file = `${kid}.key.json`;
    const text = encryptKeyFile({ kid, alg, publicJwk: publicJwk as Record<string, unknown> }, privateKey, this.passphrase);
    writeFileAtomic(join(this.dir, file), text);
    // A key made and never loaded (a rotation that failed after) is not kept for the process's life.
    if (this.written.size >= MAX_WRITTEN) this.written.delete(this.written.keys().next().value!);
    this.written.set(file, { text, privateKey });
    return { kid, alg, publicJwk, file };
  }

  /** The key this store wrote to `file`, when the file still holds exactly what was written (taken once). */
  private takeWrittenContent(file: string, path: string): ReadKeyFile | undefined {
    const w = this.written.get(file);
    if (!w) return undefined;
    this.written.delete(file);
    let now: string;
    try {
      now = readFileSync(path, 'utf8');
    } catch {
      return undefined; // loadKeyFile then names the file and why
    }
    return now === w.text ? { content: JSON.parse(w.text) as KeyFileContent, privateKey: w.privateKey } : undefined;
  }

  /** Decrypts a key file; throws KeyFileError naming the file when it is corrupt or the passphrase is wrong. */
  async load(rec: { kid: string; file: string; alg?: string }): Promise<Signer> {
    if (rec.file.startsWith(PKCS11_REF_PREFIX)) {
      throw new KeyFileError(rec.file, `key ${rec.kid} is held in a PKCS#11 module; start with KEY_BACKEND=pkcs11`);
    }
    const path = join(this.dir, rec.file);
    const { content, privateKey } = this.takeWrittenContent(rec.file, path) ?? (await loadKeyFile(path, this.passphrase));
    if (content.kid !== rec.kid) throw new KeyFileError(path, `holds key ${content.kid}, expected ${rec.kid}`);
    if (!isSigningAlg(content.alg)) throw new KeyFileError(path, `has unsupported alg ${content.alg}`);
    const publicJwk = await publicJwkOf(createPublicKey(privateKey), content.alg);
    if (publicJwk.kid !== rec.kid) throw new KeyFileError(path, 'private key does not match its kid');
    return createSigner(rec.kid, content.alg, publicJwk, privateKey);
  }

  health(): 'ok' {
    return 'ok';
  }

  async close(): Promise<void> {}
}
