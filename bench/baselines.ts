/**
 * In-process baselines on this machine, so each HTTP figure can be read as a ratio:
 * ES256 sign/verify with node:crypto and with jose, SD-JWT VC issue / verify-with-KB-JWT
 * with the OpenWallet Foundation's @sd-jwt/sd-jwt-vc on the same credential as the HTTP run,
 * and (for reference) this service's own issuer code on that credential, signing synchronously
 * with node:crypto: what issuing costs before HTTP, validation and storage.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { systemRandom } from '../src/random-source.js';
import { issueSdJwtVc } from '../src/formats/sd-jwt-vc/issue-sd-jwt-vc.js';
import type { Signer } from '../src/keys/signer.js';

export interface Baseline {
  name: string;
  /** The mean of `runs` when there are several. */
  opsPerSec: number;
  runs?: number[];
}

/** One row per operation: the mean of the runs, keeping each run for the report. */
export function combineBaselines(...sets: Baseline[][]): Baseline[] {
  return (sets[0] ?? []).map((b) => {
    const runs = sets.map((set) => set.find((x) => x.name === b.name)?.opsPerSec ?? NaN);
    return { name: b.name, opsPerSec: runs.reduce((a, r) => a + r, 0) / runs.length, runs };
  });
}

async function measure(name: string, seconds: number, op: () => unknown | Promise<unknown>): Promise<Baseline> {
  for (let i = 0; i < 50; i++) await op(); // warm up
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) await op();
    n += 20;
  }
  return { name, opsPerSec: n / ((performance.now() - start) / 1000) };
}

/** Our claim paths (dots, `[]`) → an @sd-jwt disclosure frame for the same claims. */
export function disclosureFrame(claims: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const frame: Record<string, unknown> = {};
  const add = (node: Record<string, unknown>, key: string | number) => {
    const sd = ((node._sd as (string | number)[]) ??= []);
    if (!sd.includes(key)) sd.push(key);
  };
  for (const path of paths) {
    const parts = path.split('.');
    let f = frame;
    let value: unknown = claims;
    for (const [i, raw] of parts.entries()) {
      const isArray = raw.endsWith('[]');
      const name = isArray ? raw.slice(0, -2) : raw;
      value = (value as Record<string, unknown> | undefined)?.[name];
      if (value === undefined) break;
      const last = i === parts.length - 1;
      if (last && !isArray) add(f, name);
      if (isArray) {
        const arr = value as unknown[];
        const af = ((f[name] as Record<string, unknown>) ??= {});
        if (last) arr.forEach((_v, idx) => add(af, idx));
        else {
          // a[].b: every element's member b
          const rest = parts.slice(i + 1).join('.');
          arr.forEach((el, idx) => {
            const ef = ((af[idx] as Record<string, unknown>) ??= {});
            const sub = disclosureFrame(el as Record<string, unknown>, [rest]);
            for (const [k, v] of Object.entries(sub))
              ef[k] = k === '_sd' ? [...new Set([...((ef._sd as unknown[]) ?? []), ...(v as unknown[])])] : v;
          });
          break;
        }
        f = af;
      } else if (!last) {
        f = (f[name] as Record<string, unknown>) ??= {};
      }
    }
  }
  return frame;
}

export async function runBaselines(opts: {
  seconds: number;
  claims: Record<string, unknown>;
  disclosable: readonly string[];
  vct: string;
  padTo: Readonly<Record<string, number>>;
}): Promise<Baseline[]> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from('x'.repeat(600));
  const sig = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const out: Baseline[] = [];
  out.push(
    await measure('ES256 sign (node:crypto)', opts.seconds, () => sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })),
  );
  out.push(
    await measure('ES256 verify (node:crypto)', opts.seconds, () =>
      verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig),
    ),
  );

  const privJwk = privateKey.export({ format: 'jwk' }) as JWK;
  const pubJwk = publicKey.export({ format: 'jwk' }) as JWK;
  const josePriv = await importJWK(privJwk, 'ES256');
  const josePub = await importJWK(pubJwk, 'ES256');
  const jws = await new CompactSign(data).setProtectedHeader({ alg: 'ES256' }).sign(josePriv);
  out.push(
    await measure('ES256 sign (jose)', opts.seconds, () => new CompactSign(data).setProtectedHeader({ alg: 'ES256' }).sign(josePriv)),
  );
  out.push(await measure('ES256 verify (jose)', opts.seconds, () => compactVerify(jws, josePub)));

  const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const holderPriv = holder.privateKey.export({ format: 'jwk' }) as JWK;
  const holderPub = holder.publicKey.export({ format: 'jwk' }) as JWK;
  const sdjwt = new SDJwtVcInstance({
    signer: await ES256.getSigner(privJwk),
    signAlg: 'ES256',
    verifier: await ES256.getVerifier(pubJwk),
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    kbSigner: await ES256.getSigner(holderPriv),
    kbSignAlg: 'ES256',
    kbVerifier: await ES256.getVerifier(holderPub),
  });
  // The library types the frame from the payload's literal type; ours is built at run time.
  const frame = disclosureFrame(opts.claims, opts.disclosable) as never;
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: 'https://issuer.example', vct: opts.vct, iat: now, exp: now + 86400, cnf: { jwk: holderPub }, ...opts.claims };
  out.push(await measure('SD-JWT VC issue (@sd-jwt/sd-jwt-vc)', opts.seconds, () => sdjwt.issue(payload, frame)));
  const credential = await sdjwt.issue(payload, frame);
  const presentation = await sdjwt.present(credential, undefined, {
    kb: { payload: { iat: now, aud: 'https://verifier.example', nonce: 'n-1234567890' } },
  });
  out.push(
    await measure('SD-JWT VC verify with KB-JWT (@sd-jwt/sd-jwt-vc)', opts.seconds, () =>
      sdjwt.verify(presentation, { requiredClaimKeys: [], keyBindingNonce: 'n-1234567890' }),
    ),
  );

  // The same credential as the HTTP issuance (decoy digests, cnf, status reference), built by
  // this service's code with a synchronous signer: the in-process ceiling of a hand-rolled issuer.
  const signer: Signer = {
    kid: 'bench',
    alg: 'ES256',
    publicJwk: pubJwk,
    sign: async (input) => sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  };
  const status = { status_list: { idx: 1234, uri: 'https://issuer.example/status/1' } };
  out.push(
    await measure("SD-JWT VC issue (this service's issuer code, node:crypto)", opts.seconds, () =>
      issueSdJwtVc({
        iss: 'https://issuer.example',
        vct: opts.vct,
        iat: now,
        exp: now + 86400,
        cnfJwk: holderPub,
        status,
        claims: opts.claims as never,
        disclosable: opts.disclosable,
        padTo: opts.padTo,
        signer,
        random: systemRandom,
      }),
    ),
  );
  return out;
}
