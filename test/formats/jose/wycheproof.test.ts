/**
 * Wycheproof ECDSA P-256 (IEEE P1363, the JWS encoding) and Ed25519 vectors against our
 * signature check: every `valid` test verifies, every `invalid` one is rejected.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';
import { importPublicKey } from '../../../src/formats/jose/import-public-key.js';
import { verifyJwsSignature } from '../../../src/formats/jose/verify-signature.js';
import type { SigningAlg } from '../../../src/keys/signer.js';
import { readVectorJson } from '../helpers.js';

interface WycheproofFile {
  testGroups: {
    publicKeyJwk?: JWK;
    publicKeyDer: string;
    tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable'; comment: string }[];
  }[];
}

async function run(file: string, alg: SigningAlg): Promise<number> {
  const data = readVectorJson<WycheproofFile>(file);
  let checked = 0;
  for (const group of data.testGroups) {
    let key;
    try {
      // Some groups carry the key only as DER (for example points with unusual encodings).
      const jwk =
        group.publicKeyJwk ??
        (createPublicKey({ key: Buffer.from(group.publicKeyDer, 'hex'), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as JWK);
      key = importPublicKey({ ...jwk, kid: undefined }, alg);
    } catch {
      // Groups whose key is not a valid point: every test in them must fail anyway.
      assert.ok(group.tests.every((t) => t.result !== 'valid'));
      continue;
    }
    for (const t of group.tests) {
      if (t.result === 'acceptable') continue;
      const ok = await verifyJwsSignature(alg, key, Buffer.from(t.msg, 'hex'), Buffer.from(t.sig, 'hex'));
      assert.equal(ok, t.result === 'valid', `tcId ${t.tcId} (${t.comment})`);
      checked++;
    }
  }
  return checked;
}

test('verifies the Wycheproof ECDSA P-256 SHA-256 P1363 vectors exactly', async () => {
  assert.ok((await run('wycheproof/ecdsa_secp256r1_sha256_p1363_test.json', 'ES256')) > 200);
});

test('verifies the Wycheproof Ed25519 vectors exactly', async () => {
  assert.ok((await run('wycheproof/ed25519_test.json', 'EdDSA')) > 100);
});
