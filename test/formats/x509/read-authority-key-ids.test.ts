/** The AuthorityKeyIdentifiers of a chain and the wallet's trusted_authorities rule (OpenID4VP 1.0 §6.1.1.1). Pure: no server. */
import 'reflect-metadata';
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import * as x509 from '@peculiar/x509';
import { matchesTrustedAuthorities, readAuthorityKeyIds } from '../../../src/formats/x509/read-authority-key-ids.js';
import { answersTrustedAuthorities, readTrustedAuthorityKeyIds } from '../../../src/holder/read-trusted-authorities.js';
import { iacaKeyId, makeDocumentSigner, makeIaca } from '../mdoc/mdoc-fixtures.js';

const der = (pem: string) => new Uint8Array(new x509.X509Certificate(pem).rawData);

describe('readAuthorityKeyIds', () => {
  it("reads the DS certificate's AuthorityKeyIdentifier keyIdentifier as base64url: the IACA's key identifier", async () => {
    const iaca = await makeIaca();
    const ds = await makeDocumentSigner(iaca, { aki: true });
    assert.deepEqual(readAuthorityKeyIds([der(ds.pem)]), [await iacaKeyId(iaca)]);
    // The spec example value has this shape (20 bytes of SHA-1, 27 base64url characters).
    assert.match(readAuthorityKeyIds([der(ds.pem)])[0]!, /^[A-Za-z0-9_-]{27}$/);
  });

  it('finds nothing in certificates without the extension, and throws on bytes that are no certificate', async () => {
    const iaca = await makeIaca();
    assert.deepEqual(readAuthorityKeyIds([der((await makeDocumentSigner(iaca)).pem), der(iaca.pem)]), []);
    assert.throws(() => readAuthorityKeyIds([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])]));
  });

  it('matches when one asked value is in the chain; a credential without a chain matches nothing', () => {
    assert.equal(matchesTrustedAuthorities(['a1', 'b2'], ['x', 'b2']), true);
    assert.equal(matchesTrustedAuthorities(['a1'], ['x']), false);
    assert.equal(matchesTrustedAuthorities([], ['x']), false);
    assert.equal(matchesTrustedAuthorities(undefined, ['x']), false);
  });
});

describe('a wallet reading trusted_authorities (§6.1: returned credentials SHOULD match)', () => {
  const q = (trusted_authorities?: unknown) => (trusted_authorities === undefined ? {} : { trusted_authorities });

  it('lets any credential answer a query without trusted_authorities', () => {
    assert.equal(readTrustedAuthorityKeyIds(q()), undefined);
    assert.equal(
      answersTrustedAuthorities(q(), () => undefined),
      true,
    );
  });

  it('keeps the aki values of every aki entry, and lets a credential answer when its chain names one', () => {
    const query = q([
      { type: 'aki', values: ['AQID'] },
      { type: 'etsi_tl', values: ['https://lotl.example.com'] },
      { type: 'aki', values: ['BAUG', 7] },
    ]);
    assert.deepEqual(readTrustedAuthorityKeyIds(query), ['AQID', 'BAUG']);
    assert.equal(
      answersTrustedAuthorities(query, () => ['BAUG']),
      true,
    );
    assert.equal(
      answersTrustedAuthorities(query, () => ['CCCC']),
      false,
    );
    assert.equal(
      answersTrustedAuthorities(query, () => undefined),
      false,
    );
  });

  it('lets no credential answer a query whose trusted_authorities it cannot evaluate (other types, a bad shape)', () => {
    for (const ta of [[{ type: 'openid_federation', values: ['https://ta.example.com'] }], { type: 'aki', values: ['AQID'] }, []])
      assert.equal(
        answersTrustedAuthorities(q(ta), () => ['AQID']),
        false,
        JSON.stringify(ta),
      );
  });
});
