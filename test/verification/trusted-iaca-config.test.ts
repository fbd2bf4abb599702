/**
 * TRUSTED_IACA_CERTS: PEM files of IACA roots, each with the doctypes it may speak for; read
 * once at start, refused at start when a file is missing, holds no certificate, or holds a
 * certificate that is not a CA, or an IACA that does not name exactly one country (its DSs must name it). Each becomes an mdoc trust anchor named by its `x509_hash`.
 */
import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';
import { iacaAnchorsOf, MDL_DOCTYPE } from '../../src/verification/iaca-anchors.js';
import { makeDocumentSigner, makeIaca, type Iaca } from '../formats/mdoc/mdoc-fixtures.js';

describe('TRUSTED_IACA_CERTS', () => {
  let dir: string;
  let a: Iaca;
  let b: Iaca;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dproof-iaca-config-'));
    [a, b] = await Promise.all([makeIaca('CN=A IACA, C=KR'), makeIaca('CN=B IACA, C=KR')]);
    writeFileSync(join(dir, 'bundle.pem'), `${a.pem}\n${b.pem}\n`);
    writeFileSync(join(dir, 'ds.pem'), (await makeDocumentSigner(a)).pem);
    writeFileSync(join(dir, 'empty.pem'), 'nothing here\n');
    const [stateless, twoCountries] = await Promise.all([makeIaca('CN=No country IACA'), makeIaca('CN=Two IACA, C=KR, C=US')]);
    writeFileSync(join(dir, 'no-country.pem'), stateless.pem);
    writeFileSync(join(dir, 'two-countries.pem'), twoCountries.pem);
  });

  it('reads every certificate of a bundle, with the doctypes named after |', () => {
    const c = loadConfig({ TRUSTED_IACA_CERTS: 'bundle.pem|org.iso.18013.5.1.mDL|kr.go.mois.resident-id.1' }, dir);
    assert.equal(c.trustedIacaCerts.length, 2);
    assert.deepEqual(c.trustedIacaCerts[1]!.doctypes, ['org.iso.18013.5.1.mDL', 'kr.go.mois.resident-id.1']);
    const anchors = iacaAnchorsOf({ ownIssuer: 'https://us.example', trusted: c.trustedIacaCerts, ownIacaCertificates: () => [a.pem] })();
    assert.equal(anchors.length, 3);
    assert.equal(anchors[0]!.issuer, 'https://us.example', 'our own IACA stands for this service');
    assert.equal(anchors[0]!.doctypes, undefined);
    assert.match(anchors[1]!.issuer, /^x509_hash:[A-Za-z0-9_-]{43}$/);
    assert.notEqual(anchors[1]!.issuer, anchors[2]!.issuer);
  });

  it('takes our own IACA certificates as DER too (what the key ring keeps)', () => {
    const der = new Uint8Array(a.cert.rawData);
    const anchors = iacaAnchorsOf({ ownIssuer: 'https://us.example', trusted: [], ownIacaCertificates: () => [der] });
    const [first] = anchors();
    assert.equal(first!.issuer, 'https://us.example');
    assert.equal(anchors()[0], first, 'parsed once per certificate');
  });

  it('lets a configured IACA speak for the mDL only when no doctype is named', () => {
    const c = loadConfig({ TRUSTED_IACA_CERTS: ` ${join(dir, 'bundle.pem')} ` }, '/');
    const anchors = iacaAnchorsOf({ ownIssuer: 'https://us.example', trusted: c.trustedIacaCerts, ownIacaCertificates: () => [] })();
    assert.deepEqual(anchors[0]!.doctypes, [MDL_DOCTYPE]);
  });

  it('refuses to start on a missing file, a file without a certificate, a certificate that is no CA, an empty doctype, or an IACA naming no country or two', () => {
    for (const [value, why] of [
      ['missing.pem', /missing|cannot be read|no such file|not found/i],
      ['empty.pem', /holds no PEM certificate/],
      ['ds.pem', /not a CA/],
      ['bundle.pem||x', /doctypes after \|/],
      ['no-country.pem', /names exactly one country/],
      ['two-countries.pem', /names exactly one country/],
    ] as const) {
      assert.throws(
        () => loadConfig({ TRUSTED_IACA_CERTS: value }, dir),
        (e: unknown) => e instanceof ConfigError && e.variable === 'TRUSTED_IACA_CERTS' && why.test(e.message),
        value,
      );
    }
  });
});
