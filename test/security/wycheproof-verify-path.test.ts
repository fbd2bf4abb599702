/**
 * Every Wycheproof ECDSA P-256 / SHA-256 (IEEE P1363, the JWS encoding) and Ed25519 vector
 * through `verifyCompactJws`, the function the verification pipeline's issuer-signature check
 * (and the KB-JWT, status list, proof and history checks) calls: alg allow-list, key lookup,
 * one-key-one-alg binding, key import and the signature. Wycheproof messages are arbitrary
 * bytes, so each is handed in as the JWS Signing Input of a parsed token. No vector is skipped:
 * a group whose key cannot be imported must hold only invalid tests, and they count as rejected.
 * (test/formats/jose/wycheproof.test.ts runs the same vectors one level lower, through
 * importPublicKey + verifyJwsSignature.)
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';
import { verifyCompactJws } from '../../src/formats/jose/verify-compact-jws.js';
import type { ParsedJws } from '../../src/formats/jose/types.js';
import { isAppError } from '../../src/errors.js';
import type { SigningAlg } from '../../src/keys/signer.js';
import { readVectorJson } from '../formats/helpers.js';

interface WycheproofFile {
  numberOfTests: number;
  testGroups: {
    publicKeyJwk?: JWK;
    publicKeyDer: string;
    tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable'; comment: string }[];
  }[];
}

function jwkOf(group: WycheproofFile['testGroups'][number]): JWK | undefined {
  try {
    return (
      group.publicKeyJwk ??
      (createPublicKey({ key: Buffer.from(group.publicKeyDer, 'hex'), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as JWK)
    );
  } catch {
    return undefined;
  }
}

async function accepted(alg: SigningAlg, jwk: JWK | undefined, msg: Buffer, sig: Buffer): Promise<boolean> {
  const parsed: ParsedJws = { header: { alg, kid: 'wycheproof' }, payload: {}, signingInput: msg, signature: sig, compact: '' };
  try {
    await verifyCompactJws(parsed, {
      resolveKey: ({ kid }) => (jwk && kid === 'wycheproof' ? { jwk: { ...jwk, kid: undefined }, alg } : undefined),
    });
    return true;
  } catch (e) {
    // A refusal is a stable 4xx code; anything else escaping is a bug.
    assert.ok(isAppError(e) && e.status < 500, `unexpected ${String(e)}`);
    assert.ok(['jws_signature_invalid', 'jws_key_invalid', 'jws_key_alg_mismatch', 'jws_key_not_found'].includes(e.code), e.code);
    return false;
  }
}

async function run(file: string, alg: SigningAlg) {
  const data = readVectorJson<WycheproofFile>(file);
  const counts: Record<string, number> = { valid: 0, invalid: 0 };
  for (const group of data.testGroups) {
    const jwk = jwkOf(group);
    for (const t of group.tests) {
      // No `acceptable` vectors in these files; if a new copy brings some, decide them explicitly.
      assert.notEqual(t.result, 'acceptable', `tcId ${t.tcId}: acceptable vectors need a decision`);
      const ok = await accepted(alg, jwk, Buffer.from(t.msg, 'hex'), Buffer.from(t.sig, 'hex'));
      assert.equal(ok, t.result === 'valid', `tcId ${t.tcId} (${t.comment})`);
      counts[t.result]++;
    }
  }
  assert.equal(counts.valid! + counts.invalid!, data.numberOfTests, 'every vector was run');
  return counts;
}

test('runs every Wycheproof ECDSA P-256 SHA-256 P1363 vector through the verify path', async () => {
  const c = await run('wycheproof/ecdsa_secp256r1_sha256_p1363_test.json', 'ES256');
  assert.deepEqual(c, { valid: 173, invalid: 89 });
});

test('runs every Wycheproof Ed25519 vector through the verify path', async () => {
  const c = await run('wycheproof/ed25519_test.json', 'EdDSA');
  assert.deepEqual(c, { valid: 88, invalid: 63 });
});
