/**
 * Signing keys in a hardware security module through PKCS#11. Key pairs are generated inside
 * the token (CKA_TOKEN, CKA_SENSITIVE, not CKA_EXTRACTABLE), signatures are made inside it, and
 * the public key is read from it for the JWKS. The store keeps each key's state and its CKA_ID
 * (`pkcs11:<hex>`); the object's CKA_LABEL is set to the kid so operators can find it with the
 * module's own tools.
 */
import { createHash, randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11, Template } from 'pkcs11js';
import type { Logger } from 'pino';
import type { JWK } from 'jose';
import type { Pkcs11Config } from '../../config.js';
import { badRequest } from '../../errors.js';
import type { GeneratedKey, KeyBackend } from '../key-backend.js';
import type { Signer, SigningAlg } from '../signer.js';
import { isSigningAlg } from '../file-key-store.js';
import { Pkcs11Connection } from './pkcs11-connection.js';
import { publicJwkFromEcPoint } from './public-key-jwk.js';
import { parsePkcs11Ref, pkcs11Ref } from './key-ref.js';
import { Pkcs11StartError, signerUnavailable } from './pkcs11-faults.js';

// PKCS#11 v3.0 §6.3 / §6.3.5: Edwards-curve mechanisms (pkcs11js 2.1 has no constants for them).
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;

interface AlgProfile {
  keyGen: number;
  sign: number;
  mechanismNames: string;
  /** CKA_EC_PARAMS: DER OID of the curve (P-256 1.2.840.10045.3.1.7; Ed25519 1.3.101.112, RFC 8410). */
  ecParams: Buffer;
}

const PROFILES: Record<SigningAlg, AlgProfile> = {
  ES256: { keyGen: pkcs11js.CKM_EC_KEY_PAIR_GEN, sign: pkcs11js.CKM_ECDSA, mechanismNames: 'CKM_EC_KEY_PAIR_GEN and CKM_ECDSA', ecParams: Buffer.from('06082a8648ce3d030107', 'hex') },
  EdDSA: { keyGen: CKM_EC_EDWARDS_KEY_PAIR_GEN, sign: CKM_EDDSA, mechanismNames: 'CKM_EC_EDWARDS_KEY_PAIR_GEN and CKM_EDDSA', ecParams: Buffer.from('06032b6570', 'hex') },
};

/** A key the store names but the module cannot use: stops the server at start, naming the key. */
export class Pkcs11KeyError extends Error {
  constructor(kid: string, message: string) {
    super(`key ${kid}: ${message}`);
    this.name = 'Pkcs11KeyError';
  }
}

function findObject(lib: PKCS11, session: Handle, cls: number, id: Buffer): Handle | undefined {
  lib.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: cls }, { type: pkcs11js.CKA_ID, value: id }]);
  try {
    const found = lib.C_FindObjects(session, 2);
    return found.length === 1 ? found[0] : undefined;
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

const attribute = (lib: PKCS11, session: Handle, obj: Handle, type: number): Buffer =>
  (lib.C_GetAttributeValue(session, obj, [{ type }])[0]?.value as Buffer | undefined) ?? Buffer.alloc(0);

const isTrue = (b: Buffer) => b.length > 0 && b[0] !== 0;

export class Pkcs11KeyStore implements KeyBackend {
  readonly name = 'pkcs11';

  private constructor(private readonly conn: Pkcs11Connection, private readonly label: string) {}

  /** Connects and logs in; throws Pkcs11StartError when the module, token, PIN or KEY_ALG does not fit. */
  static open(config: Pkcs11Config, keyAlg: SigningAlg, logger: Pick<Logger, 'info' | 'warn'>): Pkcs11KeyStore {
    const conn = Pkcs11Connection.open(config, logger);
    const store = new Pkcs11KeyStore(conn, config.tokenLabel ?? `slot ${String(config.slot)}`);
    if (!store.supports(keyAlg)) {
      void conn.close();
      throw new Pkcs11StartError(`KEY_ALG: the token does not offer ${PROFILES[keyAlg].mechanismNames} for ${keyAlg}; set KEY_ALG=ES256`);
    }
    return store;
  }

  supports(alg: SigningAlg): boolean {
    const p = PROFILES[alg];
    return this.conn.mechanisms.has(p.keyGen) && this.conn.mechanisms.has(p.sign);
  }

  async generate(alg: SigningAlg): Promise<GeneratedKey> {
    if (!this.supports(alg)) throw badRequest('alg_not_supported', `the PKCS#11 token ${this.label} does not offer ${PROFILES[alg].mechanismNames}; use ES256`);
    return this.conn.run('key generation', async (lib, session) => {
      // A fresh id per attempt: a retried generation never leaves two keys under one CKA_ID.
      const id = randomBytes(16);
      const common: Template = [{ type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_ID, value: id }, { type: pkcs11js.CKA_LABEL, value: 'dproof-new' }];
      const { publicKey, privateKey } = await lib.C_GenerateKeyPairAsync(
        session,
        { mechanism: PROFILES[alg].keyGen },
        [...common, { type: pkcs11js.CKA_VERIFY, value: true }, { type: pkcs11js.CKA_EC_PARAMS, value: PROFILES[alg].ecParams }],
        [
          ...common,
          { type: pkcs11js.CKA_PRIVATE, value: true },
          { type: pkcs11js.CKA_SIGN, value: true },
          { type: pkcs11js.CKA_SENSITIVE, value: true },
          { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        ],
      );
      const publicJwk = publicJwkFromEcPoint(attribute(lib, session, publicKey, pkcs11js.CKA_EC_POINT), alg);
      const kid = publicJwk.kid as string;
      try {
        for (const obj of [publicKey, privateKey]) lib.C_SetAttributeValue(session, obj, [{ type: pkcs11js.CKA_LABEL, value: kid }]);
      } catch {
        // The label is for people; the key is found by CKA_ID. Some modules freeze labels.
      }
      return { kid, alg, publicJwk, file: pkcs11Ref(id) };
    });
  }

  async load(rec: { kid: string; file: string; alg: string }): Promise<Signer> {
    const id = parsePkcs11Ref(rec.file);
    if (!id) throw new Pkcs11KeyError(rec.kid, `is held in the key file ${rec.file}, not in a PKCS#11 module; start with KEY_BACKEND=file`);
    if (!isSigningAlg(rec.alg)) throw new Pkcs11KeyError(rec.kid, `has unsupported alg ${rec.alg}`);
    const alg = rec.alg;
    const publicJwk = await this.conn.run('key lookup', async (lib, session) => {
      const priv = findObject(lib, session, pkcs11js.CKO_PRIVATE_KEY, id);
      const pub = findObject(lib, session, pkcs11js.CKO_PUBLIC_KEY, id);
      if (priv === undefined || pub === undefined) throw new Pkcs11KeyError(rec.kid, `is not on the PKCS#11 token ${this.label} (CKA_ID ${id.toString('hex')})`);
      // Only keys that cannot leave the module are used (the point of having one).
      if (!isTrue(attribute(lib, session, priv, pkcs11js.CKA_SENSITIVE)) || isTrue(attribute(lib, session, priv, pkcs11js.CKA_EXTRACTABLE))) {
        throw new Pkcs11KeyError(rec.kid, 'is extractable or not sensitive in the module; generate keys with "dproof keys rotate"');
      }
      return publicJwkFromEcPoint(attribute(lib, session, pub, pkcs11js.CKA_EC_POINT), alg);
    });
    if (publicJwk.kid !== rec.kid) throw new Pkcs11KeyError(rec.kid, `the module's key with CKA_ID ${id.toString('hex')} is another key (${String(publicJwk.kid)})`);
    return this.signer(rec.kid, alg, publicJwk, id);
  }

  health(): 'ok' | 'unavailable' {
    return this.conn.health();
  }

  close(): Promise<void> {
    return this.conn.close();
  }

  private signer(kid: string, alg: SigningAlg, publicJwk: JWK, id: Buffer): Signer {
    const conn = this.conn;
    const mechanism = PROFILES[alg].sign;
    // Object handles hold for one connection; found again after a reconnect.
    let cached: { epoch: number; handle: Handle } | undefined;
    return {
      kid,
      alg,
      publicJwk,
      sign: (input) =>
        conn.run('signature', async (lib, session, epoch) => {
          if (cached?.epoch !== epoch) {
            const handle = findObject(lib, session, pkcs11js.CKO_PRIVATE_KEY, id);
            if (handle === undefined) throw signerUnavailable();
            cached = { epoch, handle };
          }
          lib.C_SignInit(session, { mechanism }, cached.handle);
          // CKM_ECDSA signs a digest computed here (SoftHSM has no CKM_ECDSA_SHA256); its output
          // is the raw r||s that RFC 7518 §3.4 wants. CKM_EDDSA signs the message itself (PureEdDSA).
          const data = alg === 'ES256' ? createHash('sha256').update(input).digest() : Buffer.from(input);
          const signature = await lib.C_SignAsync(session, data, Buffer.alloc(64));
          if (signature.length !== 64) throw new Error(`the module returned a ${signature.length}-byte ${alg} signature`);
          return new Uint8Array(signature);
        }),
    };
  }
}
