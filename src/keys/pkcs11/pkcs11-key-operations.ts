/**
 * What the module thread does with keys: generate a pair inside the token (CKA_TOKEN,
 * CKA_SENSITIVE, not CKA_EXTRACTABLE), look a stored key up (and refuse one that could leave the
 * module), sign inside it, and read the public key for the JWKS. Runs in pkcs11-worker.ts only.
 */
import { randomBytes, hash } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11, Template } from 'pkcs11js';
import type { JWK } from 'jose';
import type { SigningAlg } from '../signer.js';
import type { Pkcs11Module } from './pkcs11-module.js';
import { PROFILES } from './pkcs11-profiles.js';
import { publicJwkFromEcPoint } from './public-key-jwk.js';
import { Pkcs11KeyError, signerUnavailable } from './pkcs11-faults.js';

export { Pkcs11KeyError };

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

export class Pkcs11KeyOperations {
  /** Private-key handles by CKA_ID (hex); they hold for one connection and are found again after a reconnect. */
  private readonly handles = new Map<string, { epoch: number; handle: Handle }>();

  constructor(private readonly module: Pkcs11Module, private readonly label: string) {}

  /** A new key pair made in the token; returns its public JWK (kid = thumbprint) and CKA_ID. */
  generate(alg: SigningAlg): Promise<{ kid: string; publicJwk: JWK; id: Buffer }> {
    return this.module.run('key generation', async (lib, session) => {
      // A fresh id per attempt: a retried generation never leaves two keys under one CKA_ID.
      const id = randomBytes(16);
      const common: Template = [{ type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_ID, value: id }, { type: pkcs11js.CKA_LABEL, value: 'dproof-new' }];
      const { publicKey, privateKey } = lib.C_GenerateKeyPair(
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
      return { kid, publicJwk, id };
    });
  }

  /** The public JWK of a stored key; throws Pkcs11KeyError when the token lacks it or it could leave the module. */
  lookup(kid: string, id: Buffer, alg: SigningAlg): Promise<JWK> {
    return this.module.run('key lookup', async (lib, session) => {
      const priv = findObject(lib, session, pkcs11js.CKO_PRIVATE_KEY, id);
      const pub = findObject(lib, session, pkcs11js.CKO_PUBLIC_KEY, id);
      if (priv === undefined || pub === undefined) throw new Pkcs11KeyError(kid, `is not on the PKCS#11 token ${this.label} (CKA_ID ${id.toString('hex')})`);
      // Only keys that cannot leave the module are used (the point of having one).
      if (!isTrue(attribute(lib, session, priv, pkcs11js.CKA_SENSITIVE)) || isTrue(attribute(lib, session, priv, pkcs11js.CKA_EXTRACTABLE))) {
        throw new Pkcs11KeyError(kid, 'is extractable or not sensitive in the module; generate keys with "dproof keys rotate"');
      }
      return publicJwkFromEcPoint(attribute(lib, session, pub, pkcs11js.CKA_EC_POINT), alg);
    });
  }

  /** The JWS signature over `input` (ES256: raw r||s) made inside the token. */
  sign(id: Buffer, alg: SigningAlg, input: Uint8Array): Promise<Uint8Array> {
    const key = id.toString('hex');
    return this.module.run('signature', async (lib, session, epoch) => {
      let cached = this.handles.get(key);
      if (cached?.epoch !== epoch) {
        const handle = findObject(lib, session, pkcs11js.CKO_PRIVATE_KEY, id);
        if (handle === undefined) throw signerUnavailable();
        cached = { epoch, handle };
        this.handles.set(key, cached);
      }
      lib.C_SignInit(session, { mechanism: PROFILES[alg].sign }, cached.handle);
      // CKM_ECDSA signs a digest computed here (SoftHSM has no CKM_ECDSA_SHA256); its output
      // is the raw r||s that RFC 7518 §3.4 wants. CKM_EDDSA signs the message itself (PureEdDSA).
      const data = alg === 'ES256' ? hash('sha256', input, 'buffer') : Buffer.from(input);
      const signature = lib.C_Sign(session, data, Buffer.alloc(64));
      if (signature.length !== 64) throw new Error(`the module returned a ${signature.length}-byte ${alg} signature`);
      return new Uint8Array(signature);
    });
  }
}
