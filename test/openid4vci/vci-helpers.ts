/** Small steps of the OpenID4VCI flow for tests, each one HTTP call through app.inject. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, type JWK } from 'jose';
import type { TestApp } from '../helpers/test-app.js';

export const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

export interface Offer {
  id: string;
  credential_offer_uri: string;
  offer: string;
  qr_svg: string;
  qr_png: string;
  tx_code?: string;
  expires_at: string;
}

export async function makeOffer(t: TestApp, apiKey: string, body: Record<string, unknown>): Promise<Offer> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/offers', headers: { authorization: `Bearer ${apiKey}` }, payload: body });
  if (res.statusCode !== 201) throw new Error(`offer: ${res.statusCode} ${res.body}`);
  return res.json() as Offer;
}

const pathOf = (url: string) => new URL(url).pathname;

export async function fetchOffer(t: TestApp, offer: Offer) {
  return t.app.inject({ method: 'GET', url: pathOf(offer.credential_offer_uri) });
}

/** Moves an offer past its lifetime in the store (the app's clock keeps running for everything else). */
export async function expireOffer(t: TestApp, offer: Pick<Offer, 'id'>): Promise<void> {
  await t.runtime.store.db
    .updateTable('vci_offers')
    .set({ expires_at: t.clock.now() - 1000 })
    .where('id', '=', offer.id)
    .execute();
}

export async function codeOf(t: TestApp, offer: Offer): Promise<string> {
  const body = (await fetchOffer(t, offer)).json() as { grants: Record<string, { 'pre-authorized_code': string }> };
  return (body.grants[PRE_AUTH] as { 'pre-authorized_code': string })['pre-authorized_code'];
}

export async function tokenRequest(t: TestApp, form: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
}

export async function accessToken(t: TestApp, offer: Offer): Promise<string> {
  const form: Record<string, string> = { grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, offer) };
  if (offer.tx_code) form.tx_code = offer.tx_code;
  const res = await tokenRequest(t, form);
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

export async function nonce(t: TestApp): Promise<string> {
  return ((await t.app.inject({ method: 'POST', url: '/openid4vci/nonce' })).json() as { c_nonce: string }).c_nonce;
}

export interface HolderKey {
  privateKey: KeyObject;
  jwk: JWK;
}

export function holderKey(curve: 'P-256' | 'Ed25519' = 'P-256'): HolderKey {
  const pair = curve === 'Ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
  return { privateKey: pair.privateKey, jwk };
}

export interface ProofOptions {
  aud: string;
  nonce?: string;
  iat?: number;
  typ?: string;
  alg?: string;
  header?: Record<string, unknown>;
}

export async function proof(key: HolderKey, o: ProofOptions): Promise<string> {
  const alg = o.alg ?? (key.jwk.kty === 'OKP' ? 'EdDSA' : 'ES256');
  const payload: Record<string, unknown> = { aud: o.aud, iat: o.iat ?? Math.floor(Date.now() / 1000) };
  if (o.nonce !== undefined) payload.nonce = o.nonce;
  return new SignJWT(payload)
    .setProtectedHeader({ alg, typ: o.typ ?? 'openid4vci-proof+jwt', jwk: key.jwk, ...o.header })
    .sign(key.privateKey);
}

export async function credentialRequest(t: TestApp, token: string | undefined, body: unknown, url = '/openid4vci/credential') {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
    payload: JSON.stringify(body),
  });
}

export const exportPrivate = (k: HolderKey) => exportJWK(k.privateKey);
