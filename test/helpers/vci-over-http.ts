/** OpenID4VCI steps over real HTTP (fetch), for tests against spawned server processes. */
import { proof, type HolderKey } from '../openid4vci/vci-helpers.js';

export const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function answer(r: Response): Promise<HttpAnswer> {
  const text = await r.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: r.status, headers: r.headers, body };
}

export async function postJson(url: string, body: unknown, bearer?: string): Promise<HttpAnswer> {
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) },
      body: JSON.stringify(body),
    }),
  );
}

export async function get(url: string, bearer?: string): Promise<HttpAnswer> {
  return answer(await fetch(url, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} }));
}

/** POST /v1/offers → { id, code } (the code read from the offer by reference). */
export async function createOfferOver(
  base: string,
  apiKey: string,
  type: { id: string; example: object },
): Promise<{ id: string; code: string; uri: string }> {
  const o = await postJson(`${base}/v1/offers`, { type: type.id, claims: type.example }, apiKey);
  if (o.status !== 201) throw new Error(`offer: ${o.status} ${JSON.stringify(o.body)}`);
  const uri = o.body.credential_offer_uri as string;
  // The offer by reference is served by whichever node the wallet reaches: read it from `base`.
  const offer = await get(`${base}${new URL(uri).pathname}`);
  if (offer.status !== 200) throw new Error(`offer by reference: ${offer.status}`);
  const grants = offer.body.grants as Record<string, { 'pre-authorized_code': string }>;
  return { id: o.body.id as string, code: (grants[PRE_AUTH] as { 'pre-authorized_code': string })['pre-authorized_code'], uri };
}

export async function tokenOver(base: string, code: string): Promise<HttpAnswer> {
  return answer(
    await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': code }).toString(),
    }),
  );
}

export async function nonceOver(base: string): Promise<HttpAnswer> {
  return answer(await fetch(`${base}/openid4vci/nonce`, { method: 'POST' }));
}

/** A credential request with one jwt proof for `holder` over `nonce`; `issuer` is the proof's aud. */
export async function credentialOver(
  base: string,
  issuer: string,
  accessToken: string,
  configurationId: string,
  holder: HolderKey,
  nonce: string,
): Promise<HttpAnswer> {
  const jwt = await proof(holder, { aud: issuer, nonce });
  return postJson(`${base}/openid4vci/credential`, { credential_configuration_id: configurationId, proofs: { jwt: [jwt] } }, accessToken);
}
