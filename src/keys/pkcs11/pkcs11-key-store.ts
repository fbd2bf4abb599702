/**
 * Signing keys in a hardware security module through PKCS#11. Key pairs are generated inside
 * the token (CKA_TOKEN, CKA_SENSITIVE, not CKA_EXTRACTABLE), signatures are made inside it, and
 * the public key is read from it for the JWKS (pkcs11-key-operations.ts, in the module thread).
 * The store keeps each key's state and its CKA_ID (`pkcs11:<hex>`); the object's CKA_LABEL is
 * set to the kid so operators can find it with the module's own tools.
 */
import type { Logger } from 'pino';
import type { JWK } from 'jose';
import type { Pkcs11Config } from '../../config.js';
import { badRequest } from '../../errors.js';
import type { GeneratedKey, KeyBackend } from '../key-backend.js';
import type { Signer, SigningAlg } from '../signer.js';
import { isSigningAlg } from '../file-key-store.js';
import { Pkcs11Connection } from './pkcs11-connection.js';
import { Pkcs11KeyError } from './pkcs11-faults.js';
import { PROFILES, tokenSupports } from './pkcs11-profiles.js';
import { parsePkcs11Ref, pkcs11Ref } from './key-ref.js';
import { Pkcs11StartError } from './pkcs11-faults.js';
import type { Clock } from '../../clock.js';


export class Pkcs11KeyStore implements KeyBackend {
  readonly name = 'pkcs11';
  /** The first connection, and the KEY_ALG check: every operation waits for it. */
  private readonly opened: Promise<void>;

  private constructor(private readonly conn: Pkcs11Connection, private readonly label: string, keyAlg: SigningAlg) {
    this.opened = conn.opened.then(() => {
      if (!this.supports(keyAlg)) {
        void conn.close();
        throw new Pkcs11StartError(`KEY_ALG: the token does not offer ${PROFILES[keyAlg].mechanismNames} for ${keyAlg}; set KEY_ALG=ES256`);
      }
    });
    this.opened.catch(() => undefined); // surfaces from the first operation (the server's first key check)
  }

  /**
   * Starts the module thread, which connects and logs in; a module, token, PIN or KEY_ALG that
   * does not fit rejects the first operation (and `ready()`) with Pkcs11StartError.
   */
  static open(config: Pkcs11Config, keyAlg: SigningAlg, logger: Pick<Logger, 'info' | 'warn'>, clock: Clock): Pkcs11KeyStore {
    return new Pkcs11KeyStore(new Pkcs11Connection(config, logger, clock), config.tokenLabel ?? `slot ${String(config.slot)}`, keyAlg);
  }

  /** Resolves once the token is connected and fits KEY_ALG; rejects with Pkcs11StartError. */
  ready(): Promise<void> {
    return this.opened;
  }

  supports(alg: SigningAlg): boolean {
    return tokenSupports(this.conn.mechanisms, alg);
  }

  async generate(alg: SigningAlg): Promise<GeneratedKey> {
    await this.opened;
    if (!this.supports(alg)) throw badRequest('alg_not_supported', `the PKCS#11 token ${this.label} does not offer ${PROFILES[alg].mechanismNames}; use ES256`);
    const k = await this.conn.call<{ kid: string; publicJwk: JWK; keyId: string }>({ op: 'generate', alg }, 'key generation');
    return { kid: k.kid, alg, publicJwk: k.publicJwk, file: pkcs11Ref(Buffer.from(k.keyId, 'hex')) };
  }

  async load(rec: { kid: string; file: string; alg: string }): Promise<Signer> {
    const id = parsePkcs11Ref(rec.file);
    if (!id) throw new Pkcs11KeyError(rec.kid, `is held in the key file ${rec.file}, not in a PKCS#11 module; start with KEY_BACKEND=file`);
    if (!isSigningAlg(rec.alg)) throw new Pkcs11KeyError(rec.kid, `has unsupported alg ${rec.alg}`);
    const alg = rec.alg;
    await this.opened;
    const keyId = id.toString('hex');
    const publicJwk = await this.conn.call<JWK>({ op: 'lookup', kid: rec.kid, keyId, alg }, 'key lookup');
    if (publicJwk.kid !== rec.kid) throw new Pkcs11KeyError(rec.kid, `the module's key with CKA_ID ${keyId} is another key (${String(publicJwk.kid)})`);
    const conn = this.conn;
    return {
      kid: rec.kid,
      alg,
      publicJwk,
      sign: (input) => conn.call<Uint8Array>({ op: 'sign', keyId, alg, input }, 'signature'),
    };
  }

  health(): 'ok' | 'unavailable' {
    return this.conn.health();
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}
