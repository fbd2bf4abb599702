/** The offer link both wallets read (OpenID4VCI §4.1): exactly one offer, by value or by reference. */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { readOfferLink } from '../../src/holder/read-offer-link.js';

const offer = { credential_issuer: 'https://issuer.example.kr', credential_configuration_ids: ['mdl'] };

it('reads an offer by reference (§4.1.3)', () => {
  const link = `openid-credential-offer://?credential_offer_uri=${encodeURIComponent('https://issuer.example.kr/v1/offers/abc')}`;
  assert.deepEqual(readOfferLink(link), { ok: true, link: { uri: 'https://issuer.example.kr/v1/offers/abc' } });
});

it('reads an offer by value (§4.1.2), around surrounding white space', () => {
  const link = `  openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}\n`;
  assert.deepEqual(readOfferLink(link), { ok: true, link: { byValue: offer } });
});

it('refuses text that is not a link', () => {
  assert.deepEqual(readOfferLink('credential_offer_uri=https://issuer.example.kr/x'), { ok: false, error: 'not_a_link' });
});

it('refuses a link with both offer parameters, two of one, or none (§4.1: exactly one)', () => {
  const uri = encodeURIComponent('https://issuer.example.kr/v1/offers/abc');
  const value = encodeURIComponent(JSON.stringify(offer));
  for (const query of [
    `credential_offer_uri=${uri}&credential_offer=${value}`,
    `credential_offer_uri=${uri}&credential_offer_uri=${uri}`,
    'x=1',
  ]) {
    assert.deepEqual(readOfferLink(`openid-credential-offer://?${query}`), { ok: false, error: 'not_exactly_one_offer' }, query);
  }
});

it('refuses an offer by value that is not JSON', () => {
  assert.deepEqual(readOfferLink('openid-credential-offer://?credential_offer=%7Bnot-json'), { ok: false, error: 'offer_not_json' });
});
