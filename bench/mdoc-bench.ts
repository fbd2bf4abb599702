/**
 * mdoc over HTTP (issue 16 "Performance"), each figure next to the library's in-process rate on
 * the same machine in the same run (@auth0/mdl in a worker thread: bench/mdoc-library-worker.mjs):
 * - issuance: `POST /v1/credentials` with `format: mso_mdoc` (the driver licence, holder-bound,
 *   durable, with its status entry) ÷ @auth0/mdl signing an mDL with the same elements;
 * - verification: OpenID4VP `direct_post` answers at the Response URI, each a DeviceResponse made
 *   by our wallet code for its own request (nonce, SessionTranscript), disclosing family_name and
 *   age_over_19, checked in full (IACA chain, digests, DeviceSignature, status, receipt, stored
 *   result) ÷ @auth0/mdl verifying a DeviceResponse with the same two elements.
 * The server must have an active document signer (`dproof keys iaca`, `dproof keys ds`).
 */
import { generateKeyPairSync } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { decodeJwt, type JWK } from 'jose';
import { serverCpuMs } from './full-flow.js';
import { load, type LoadResult } from './load.js';
import { createMdocPresentation } from '../src/wallet/create-mdoc-presentation.js';
import type { CredentialType } from '../src/catalog/types.js';
import { makeDocumentSigner, makeIaca } from '../test/formats/mdoc/mdoc-fixtures.js';

export interface MdocBenchResult {
  issuance: LoadResult;
  verify: LoadResult;
  /**
   * @auth0/mdl in-process, ops/s and CPU ms per op: the mean of a run before and a run after the
   * HTTP scenarios.
   */
  library: LibraryRates & { runs: LibraryRates[] };
  /** The server's CPU (all its threads) per answer of each scenario, in ms, when its pid was given. */
  serverCpuMs?: { issuance: number; verify: number };
  /** Answers beyond the prepared presentations (replays, refused): expected, not errors. */
  replayed: number;
}

const TYPE = 'driver-license';
const DISCLOSE: [string, string][] = [
  ['org.iso.18013.5.1', 'family_name'],
  ['kr.go.knpa.mdl.1', 'age_over_19'],
];

/** The type's namespaces with the example's values (derived booleans filled in, portrait as bytes), for the library. */
function libraryNamespaces(type: CredentialType): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [ns, elements] of Object.entries(type.mdoc!.namespaces)) {
    out[ns] = {};
    for (const el of elements) {
      const v = type.example[el];
      out[ns][el] = v === undefined ? true : type.mdoc!.encodings[el] === 'bytes' ? Buffer.from(String(v), 'base64url') : v;
    }
  }
  return out;
}

interface LibraryRates {
  issue: number;
  verify: number;
  issueCpuMs: number;
  verifyCpuMs: number;
}

async function libraryRates(type: CredentialType, seconds: number): Promise<LibraryRates> {
  const iaca = await makeIaca('CN=Bench IACA, C=KR');
  const ds = await makeDocumentSigner(iaca);
  const deviceJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const worker = new Worker(new URL('./mdoc-library-worker.mjs', import.meta.url), {
    workerData: {
      seconds,
      docType: type.mdoc!.doctype,
      namespaces: libraryNamespaces(type),
      fields: DISCLOSE,
      dsJwk: ds.privateJwk,
      dsPem: ds.pem,
      iacaPem: iaca.pem,
      deviceJwk,
    },
  });
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

/** One DeviceResponse per verifier request, as direct_post form bodies, made before the run. */
async function preparePresentations(url: string, issuerKey: string, verifierKey: string, type: CredentialType, n: number) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const holder = publicKey.export({ format: 'jwk' });
  const res = await fetch(`${url}/v1/credentials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${issuerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: TYPE, claims: type.example, format: 'mso_mdoc', holder_jwk: holder }),
  });
  if (res.status !== 201) throw new Error(`mdoc issuance for the verify bench: ${res.status} ${await res.text()}`);
  const issuerSigned = ((await res.json()) as { credential: string }).credential;
  const deviceJwk = privateKey.export({ format: 'jwk' }) as JWK;
  const dcql = {
    credentials: [
      { id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: type.mdoc!.doctype }, claims: DISCLOSE.map((p) => ({ path: p })) },
    ],
  };
  const one = async (): Promise<string> => {
    const r = await fetch(`${url}/v1/verifier/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${verifierKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ dcql_query: dcql }),
    });
    if (r.status !== 201) throw new Error(`verifier request: ${r.status} ${await r.text()}`);
    const { request_uri } = (await r.json()) as { request_uri: string };
    const ro = decodeJwt(await (await fetch(request_uri)).text()) as {
      client_id: string;
      nonce: string;
      state: string;
      response_uri: string;
    };
    const vp = createMdocPresentation({
      issuerSigned,
      disclose: DISCLOSE,
      deviceJwk,
      handover: { clientId: ro.client_id, nonce: ro.nonce, responseUri: ro.response_uri },
    });
    return new URLSearchParams({ vp_token: JSON.stringify({ mdl: [vp] }), state: ro.state }).toString();
  };
  const bodies: string[] = [];
  for (let i = 0; i < n; i += 16) bodies.push(...(await Promise.all(Array.from({ length: Math.min(16, n - i) }, one))));
  return bodies;
}

export async function runMdocBench(o: {
  url: string;
  issuerKey: string;
  verifierKey: string;
  type: CredentialType;
  quick: boolean;
  connections: number;
  /** The server's pid: its CPU per answer is measured (/proc schedstat of every thread). */
  serverPid?: number;
}): Promise<MdocBenchResult> {
  const cpu = o.serverPid === undefined ? undefined : () => serverCpuMs(o.serverPid!);
  const libSeconds = o.quick ? 0.5 : 2;
  const before = await libraryRates(o.type, libSeconds);
  const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const issuanceCpu0 = cpu?.();
  const issuance = await load({
    name: 'POST /v1/credentials (mso_mdoc driver licence, holder-bound, durable)',
    url: `${o.url}/v1/credentials`,
    method: 'POST',
    headers: { authorization: `Bearer ${o.issuerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: TYPE, claims: o.type.example, format: 'mso_mdoc', holder_jwk: holder }),
    connections: o.connections,
    seconds: o.quick ? 2 : 6,
    expect: (body) => body.includes('"format":"mso_mdoc"'),
  });
  const issuanceCpu = cpu && (cpu() - issuanceCpu0!) / issuance.ok;
  const bodies = await preparePresentations(o.url, o.issuerKey, o.verifierKey, o.type, o.quick ? 400 : 3000);
  let v = 0;
  const verifyCpu0 = cpu?.();
  const verify = await load({
    name: 'POST /openid4vp/response (mdoc DeviceResponse, 2 elements, own IACA, status in-process)',
    url: `${o.url}/openid4vp/response`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    connections: o.connections,
    seconds: o.quick ? 1.5 : 5,
    // Each presentation is single-use: a replay is refused cheaply and would inflate the rate.
    amount: bodies.length,
    setupRequest: (req) => ({ ...req, body: bodies[v++ % bodies.length] }),
    expect: (body) => body.includes('"status":"verified"'),
  });
  const verifyCpu = cpu && (cpu() - verifyCpu0!) / verify.ok;
  const after = await libraryRates(o.type, libSeconds);
  const mean = (k: keyof LibraryRates) => (before[k] + after[k]) / 2;
  return {
    issuance,
    verify,
    library: {
      issue: mean('issue'),
      verify: mean('verify'),
      issueCpuMs: mean('issueCpuMs'),
      verifyCpuMs: mean('verifyCpuMs'),
      runs: [before, after],
    },
    ...(issuanceCpu !== undefined && verifyCpu !== undefined && { serverCpuMs: { issuance: issuanceCpu, verify: verifyCpu } }),
    replayed: Math.max(0, v - bodies.length),
  };
}
