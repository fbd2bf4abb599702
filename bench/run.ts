/**
 * `npm run bench [-- --quick] [-- --pg] [-- --check] [-- --signer pkcs11]`: builds, starts the real server in its own
 * process, drives it with autocannon, measures in-process baselines in the same run, and writes
 * bench/report.md and bench/report.json. `--quick` (about a minute) catches breakage in CI
 * without asserting speed; `--check` exits 1 when any scenario had an error or an unexpected
 * refusal. A lost record (an acknowledged issuance without its row) fails every run.
 * `--signer pkcs11` also runs issuance with keys in a SoftHSM token next to the file signer and
 * reports the ratio (signer-comparison.ts); without SoftHSM it says why and skips that part.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { benchEnv, pgDatabase } from './bench-env.js';
import { combineBaselines, runBaselines } from './baselines.js';
import { load, peakAndHalf, type LoadResult } from './load.js';
import { dproof, startServer, ROOT } from './server-process.js';
import { machine, writeReport, type Ratio } from './write-report.js';
import { openStore } from '../src/store/store.js';
import { loadCatalog } from '../src/catalog/load-catalog.js';
import { digestPadding } from '../src/catalog/padding.js';
import { schemasDir } from '../src/paths.js';
import { prepareCounterPresentations, prepareVciGrants } from './prepare.js';
import { runHostileMix } from './hostile-mix.js';
import { compareSigners, type SignerComparison } from './signer-comparison.js';
import { FLOW_SCENARIOS, runFlowScenarios } from './flow-scenarios.js';
import { serverCpuMs } from './full-flow.js';
import { runMdocBench, type MdocBenchResult } from './mdoc-bench.js';

const quick = process.argv.includes('--quick');
const strict = process.argv.includes('--check');
const usePg = process.argv.includes('--pg');
/** `--signer file` (the default) or `--signer pkcs11` (also `--signer=pkcs11`). */
const signerMode = (() => {
  const i = process.argv.indexOf('--signer');
  const v = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--signer='))?.slice('--signer='.length);
  if (v !== undefined && v !== 'file' && v !== 'pkcs11') throw new Error(`--signer must be file or pkcs11, got ${v}`);
  return v ?? 'file';
})();
const seconds = quick ? 3 : 10;
const connections = 16;
// Peaks are the best of these (quick mode: the first only); see peakAndHalf.
const sweep = quick ? [connections] : [16, 32];
const TYPE = 'driving-record'; // 10 selectively disclosable claims

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dproof-bench-'));
  const db = usePg ? await pgDatabase() : undefined;
  const env = benchEnv(dir, db?.url);
  const notes: string[] = [];
  const scenarios: LoadResult[] = [];
  try {
    // Cold start: the first run creates the store and a key; measure the later starts.
    const coldStartMs: number[] = [];
    const coldStartCpuMs: number[] = [];
    for (let i = 0; i < (quick ? 2 : 4); i++) {
      const s = await startServer(env);
      if (i > 0) coldStartMs.push(s.startMs);
      if (i > 0) coldStartCpuMs.push(serverCpuMs(s.pid));
      await s.stop();
    }
    // mdoc issuance needs an IACA root and a document signer, made as an operator makes them.
    await dproof(['keys', 'iaca', '--name', 'bench IACA'], env);
    await dproof(['keys', 'ds'], env);
    const { apiKey } = JSON.parse(
      await dproof(['clients', 'create', '--role', 'issuer', '--name', 'bench', '--rate-limit', '0', '--json'], env),
    ) as { apiKey: string };
    const server = await startServer(env);
    const types = (await (await fetch(`${server.url}/v1/credential-types`)).json()) as {
      id: string;
      vct: string;
      example: Record<string, unknown>;
      selectively_disclosable: string[];
    }[];
    const type = types.find((t) => t.id === TYPE);
    if (!type) throw new Error(`no type ${TYPE}`);
    const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    // Baselines run twice, before the HTTP scenarios (server idle) and after them (server stopped),
    // and the ratios use the mean: a machine shared with others drifts over a few minutes.
    const catalogType = (await loadCatalog({ dir: join(schemasDir, 'credentials'), publicUrl: server.url })).get(TYPE);
    if (!catalogType) throw new Error(`no type ${TYPE} in the catalogue`);
    const baselineSpec = {
      seconds: quick ? 0.5 : 2,
      claims: type.example,
      disclosable: type.selectively_disclosable,
      vct: type.vct,
      padTo: digestPadding(catalogType),
    };
    const baselinesBefore = await runBaselines(baselineSpec);

    const issuance = await peakAndHalf(
      {
        name: `POST /v1/credentials (SD-JWT VC, ${type.selectively_disclosable.length} disclosable claims, holder-bound, durable)`,
        url: `${server.url}/v1/credentials`,
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: TYPE, claims: type.example, holder_jwk: holder }),
        connections,
        seconds: quick ? seconds : 6,
      },
      sweep,
    );
    scenarios.push(...issuance.runs, issuance.half);
    // Zero data loss: every 2xx issuance has its record (counted before other scenarios add records).
    const counter = openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR as string });
    const recorded = await counter.credentials.count();
    await counter.close();
    const acknowledged = issuance.runs.reduce((n, r) => n + r.ok, issuance.half.ok);

    const one = (await (
      await fetch(`${server.url}/v1/credentials`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: TYPE, claims: type.example }),
      })
    ).json()) as { status: { list: string } };
    scenarios.push(await load({ name: 'GET status list (statuslist+jwt)', url: one.status.list, connections, seconds }));
    // The floor: what this machine serves for a route that does nothing (server and load generator
    // share its cores), so the issuance figure can be read against what HTTP alone allows.
    const floor = await load({
      name: 'GET /healthz (empty route: the HTTP floor of this machine)',
      url: `${server.url}/healthz`,
      connections,
      seconds: Math.min(seconds, 5),
    });
    scenarios.push(floor);

    // OpenID4VCI credential endpoint: every request has its own access token, fresh c_nonce and proof.
    // --quick is a smoke test (errors and lost records, no speed): fewer single-use inputs, each
    // run stopping when they are used up (`amount`), instead of ~30 s of preparing enough for the
    // full run's seconds.
    const grantsNeeded = quick ? 600 : 9000;
    const grants = await prepareVciGrants(server.url, apiKey, TYPE, type.example, grantsNeeded);
    let g = 0;
    const vci = await load({
      name: 'POST /openid4vci/credential (fresh c_nonce and proof per request)',
      url: `${server.url}/openid4vci/credential`,
      method: 'POST',
      connections,
      seconds: Math.min(seconds, quick ? 2 : 5),
      ...(quick && { amount: grants.length }),
      setupRequest: (req) => {
        const grant = grants[g++ % grants.length] as { accessToken: string; body: string };
        return { ...req, body: grant.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${grant.accessToken}` } };
      },
    });
    scenarios.push(vci);
    // Requests beyond the prepared grants reuse one and are refused: expected, not a failure.
    const reusedGrants = Math.max(0, g - grants.length);
    if (reusedGrants > 0)
      notes.push(`OpenID4VCI: ${reusedGrants} requests reused a grant (expected 4xx): prepare more grants for this machine`);

    // Verification with KB-JWT (status list cached): single-use presentations, each with its own nonce.
    const { apiKey: verifierKey } = JSON.parse(
      await dproof(['clients', 'create', '--role', 'verifier', '--name', 'bench-verifier', '--rate-limit', '0', '--json'], env),
    ) as { apiKey: string };
    // The clerk's policy asks for exactly what is disclosed; every answer must be "verified"
    // (anything else is counted as an error: a benchmark of rejections would measure nothing).
    const disclosed = ['family_name', 'given_name', 'birth_date'];
    const presentations = await prepareCounterPresentations(
      server.url,
      apiKey,
      verifierKey,
      TYPE,
      type.example,
      disclosed,
      quick ? 1200 : 30000,
    );
    // Bodies are built before the run, so the load generator spends its share of the CPU on HTTP.
    const verifyBodies = presentations.map((presentation) => JSON.stringify({ presentation, policy: { claims: disclosed } }));
    let v = 0;
    const verify = await peakAndHalf(
      {
        name: 'POST /v1/verifier/verify (SD-JWT VC + KB-JWT, 3 disclosures, status cached)',
        url: `${server.url}/v1/verifier/verify`,
        method: 'POST',
        connections,
        seconds: Math.min(seconds, quick ? 2 : 5),
        // Quick: the peak run and the half-rate run take half the presentations each.
        ...(quick && { amount: Math.floor(presentations.length / 2) }),
        headers: { authorization: `Bearer ${verifierKey}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: verifyBodies[v++ % verifyBodies.length] }),
        // A substring test, not JSON.parse: the load generator shares the machine's two cores.
        expect: (body) => body.includes('"verdict":"verified"'),
      },
      sweep,
    );
    scenarios.push(...verify.runs, verify.half);
    const replayedPresentations = Math.max(0, v - presentations.length);
    if (replayedPresentations > 0)
      notes.push(`verify: ${replayedPresentations} presentations were replays (answered "rejected"): prepare more for this machine`);
    const check = (await (
      await fetch(`${server.url}/v1/verifier/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${verifierKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          presentation: (await prepareCounterPresentations(server.url, apiKey, verifierKey, TYPE, type.example, disclosed, 1))[0],
          policy: { claims: disclosed },
        }),
      })
    ).json()) as { verdict: string };
    if (check.verdict !== 'verified') notes.push(`verify sanity check answered ${check.verdict}`);

    // QR: the first render of each offer's QR (a new offer every request), then one offer's QR
    // again and again (served from the cache), then an empty route: all three driven the same way,
    // one connection, one request at a time. The empty route is the round trip no cache can save
    // (on loopback it is ~0.1 ms, and a render ~2 ms), so the ratio is taken above it.
    const qrSeconds = quick ? 1 : 2;
    const offerCount = quick ? 600 : 1200; // more than one render per ~2 ms fills in qrSeconds
    const offers: string[] = [];
    for (let i = 0; i < offerCount; i += 50) {
      offers.push(
        ...(await Promise.all(
          Array.from(
            { length: 50 },
            async () =>
              (
                (await (
                  await fetch(`${server.url}/v1/offers`, {
                    method: 'POST',
                    headers: auth,
                    body: JSON.stringify({ type: TYPE, claims: type.example }),
                  })
                ).json()) as { qr_svg: string }
              ).qr_svg,
          ),
        )),
      );
    }
    let q = 0;
    const first = await load({
      name: 'GET offer QR (SVG), first render (a new offer each request, one connection)',
      url: offers[0]!,
      connections: 1,
      seconds: qrSeconds,
      setupRequest: (req) => ({ ...req, path: new URL(offers[q++ % offers.length]!).pathname }),
    });
    if (q > offers.length)
      notes.push(`QR: ${q - offers.length} first-render requests met an offer already rendered: create more offers for this machine`);
    await (await fetch(offers[0]!)).text(); // rendered (and cached) again if the cache let it go
    const repeated = await load({
      name: 'GET offer QR (SVG), repeated (cached, one connection)',
      url: offers[0]!,
      connections: 1,
      seconds: qrSeconds,
    });
    const roundTrip = await load({
      name: 'GET /healthz (one connection: the round trip)',
      url: `${server.url}/healthz`,
      connections: 1,
      seconds: qrSeconds,
    });
    scenarios.push(first, repeated, roundTrip);
    const msEach = (r: LoadResult) => 1000 / r.reqPerSec;
    const floorMs = msEach(roundTrip);
    const firstAvg = msEach(first) - floorMs;
    // The cached path can come within noise of the empty route; a floor of 1 µs keeps the ratio finite.
    const repeatedAvg = Math.max(0.001, msEach(repeated) - floorMs);
    notes.push(
      `QR, one request at a time: first render ${msEach(first).toFixed(3)} ms, repeated ${msEach(repeated).toFixed(3)} ms, empty route ${floorMs.toFixed(3)} ms; ` +
        `above the round trip: ${firstAvg.toFixed(3)} ms vs ${repeatedAvg.toFixed(3)} ms. End to end the ratio is ${(msEach(first) / msEach(repeated)).toFixed(1)}×, ` +
        `and could be at most ${(msEach(first) / floorMs).toFixed(1)}× with a cache that cost nothing.`,
    );
    const qrRatio = firstAvg / repeatedAvg;

    // Hostile mix (issue 14): deep, wide and large bodies and bad tokens, /healthz sampled meanwhile.
    const hostile = await runHostileMix(server.url, apiKey, { seconds: quick ? 5 : 10, connections: 8 });
    notes.push(
      `Hostile mix at ${hostile.rate} req/s: ${hostile.requests} requests (${hostile.status['4xx']} 4xx, ${hostile.status['2xx']} 2xx, ${hostile.status['5xx']} 5xx, ${hostile.errors} transport errors); ` +
        `worst server event-loop delay ${hostile.worstEventLoopDelayMs.toFixed(1)} ms; /healthz one at a time meanwhile: p50 ${hostile.healthz.p50.toFixed(1)} ms, p99 ${hostile.healthz.p99.toFixed(1)} ms, max ${hostile.healthz.max.toFixed(1)} ms (${hostile.healthz.samples} samples).`,
    );
    // The whole pre-authorized OpenID4VCI flow (issue 22), every credential checked by the generator.
    // Each after 4 s of unmeasured flows (full-flow.ts `warmupSeconds`): the JIT's steady state.
    const flows = await runFlowScenarios({ url: server.url, pid: server.pid, apiKey, env }, quick ? 1.5 : 8, quick ? 0 : 4);
    // mdoc over HTTP (issue 16), each next to @auth0/mdl's in-process rate measured in this run.
    const mdlType = (await loadCatalog({ dir: join(schemasDir, 'credentials'), publicUrl: server.url })).get('driver-license');
    if (!mdlType?.mdoc) throw new Error('no mdoc layout for driver-license in the catalogue');
    const mdoc: MdocBenchResult = await runMdocBench({
      url: server.url,
      issuerKey: apiKey,
      verifierKey,
      type: mdlType,
      quick,
      connections,
      serverPid: server.pid,
    });
    scenarios.push(mdoc.issuance, mdoc.verify);
    // CPU per operation moves less than req/s with what else a shared machine runs (no target).
    if (mdoc.serverCpuMs)
      notes.push(
        `mdoc CPU per operation: issuance ${mdoc.serverCpuMs.issuance.toFixed(2)} ms per answer (server, every thread) against ${mdoc.library.issueCpuMs.toFixed(2)} ms per @auth0/mdl issue, ` +
          `verification ${mdoc.serverCpuMs.verify.toFixed(2)} ms per answer against ${mdoc.library.verifyCpuMs.toFixed(2)} ms per @auth0/mdl verify.`,
      );
    if (mdoc.replayed > 0)
      notes.push(`mdoc verify: ${mdoc.replayed} answers were replays (refused): prepare more presentations for this machine`);
    const verifyPeak = verify.peak.reqPerSec;
    const verifyHalfP99 = verify.half.p99;

    const peakRssMb = server.peakRssMb();
    await server.stop();

    // File signer vs SoftHSM, issuance only, both servers side by side (after the main server stopped).
    let signers: SignerComparison | undefined;
    if (signerMode === 'pkcs11') {
      const hsmDb = usePg ? await pgDatabase() : undefined;
      try {
        signers = await compareSigners({
          fileEnv: env,
          fileApiKey: apiKey,
          pkcs11DatabaseUrl: hsmDb?.url,
          body: JSON.stringify({ type: TYPE, claims: type.example, holder_jwk: holder }),
          connections,
          seconds: quick ? seconds : 6,
          quick,
        });
      } finally {
        await hsmDb?.drop();
      }
      if ('skipped' in signers) notes.push(`--signer pkcs11: the SoftHSM comparison was skipped: ${signers.skipped}`);
      else scenarios.push(...signers.runs.map((r) => r.result));
    }

    const baselines = combineBaselines(baselinesBefore, await runBaselines(baselineSpec));
    baselines.push(
      {
        name: 'mdoc issue (@auth0/mdl, driver licence elements, worker thread)',
        opsPerSec: mdoc.library.issue,
        runs: mdoc.library.runs.map((r) => r.issue),
      },
      {
        name: 'mdoc DeviceResponse verify (@auth0/mdl, 2 elements, worker thread)',
        opsPerSec: mdoc.library.verify,
        runs: mdoc.library.runs.map((r) => r.verify),
      },
    );
    const rate = (name: string) => baselines.find((b) => b.name.startsWith(name))?.opsPerSec ?? NaN;
    const ratios: Ratio[] = [];
    const ratio = (what: string, value: number, target: number, higherIsBetter = true) =>
      ratios.push({ what, value, target, met: higherIsBetter ? value >= target : value <= target });
    ratio('issuance over HTTP ÷ @sd-jwt in-process issue', issuance.peak.reqPerSec / rate('SD-JWT VC issue'), 1);
    ratio('issuance over HTTP ÷ node:crypto ES256 sign', issuance.peak.reqPerSec / rate('ES256 sign (node:crypto)'), 0.5);
    const halfSign = rate('ES256 sign (node:crypto)') / 2;
    const ownIssue = rate('SD-JWT VC issue (this service');
    notes.push(
      `For reference (no target): issuance over HTTP is ${(issuance.peak.reqPerSec / ownIssue).toFixed(2)}× of this service's own issuer code issuing the same credential in-process with a synchronous node:crypto signer (${Math.round(ownIssue)}/s on one core), HTTP, validation and durable storage included.`,
    );
    notes.push(
      `Half of the node:crypto ES256 sign rate is ${Math.round(halfSign)}/s; an empty route (GET /healthz) serves ${Math.round(floor.reqPerSec)} req/s here, ${(floor.reqPerSec / halfSign).toFixed(2)}× of it, before any parsing, signing or storage.`,
    );
    ratio('issuance p99 at half peak (ms)', issuance.half.p99, 25, false);
    ratio('verification over HTTP ÷ @sd-jwt in-process verify-with-KB', verifyPeak / rate('SD-JWT VC verify with KB-JWT'), 1.5);
    ratio('verification p99 at half peak (ms)', verifyHalfP99, 25, false);
    ratio('mdoc issuance over HTTP ÷ @auth0/mdl in-process issue', mdoc.issuance.reqPerSec / mdoc.library.issue, 1);
    ratio(
      'mdoc verification over HTTP (OpenID4VP direct_post) ÷ @auth0/mdl in-process verify',
      mdoc.verify.reqPerSec / mdoc.library.verify,
      1.5,
    );
    ratio('QR first render ÷ repeated (cached), above the round trip', qrRatio, 20);
    ratio('server peak RSS (MB)', peakRssMb, 200, false);
    ratio('hostile mix: worst server event-loop delay (ms)', hostile.worstEventLoopDelayMs, 50, false);
    ratio('hostile mix: /healthz p99 meanwhile (ms)', hostile.healthz.p99, 50, false);
    const flowCpu = (label: string) => flows.results.find((r) => r.name === label)?.serverCpuMsPerCredential ?? NaN;
    ratio(
      'full flow, single credential, 16 at a time: server CPU ms per credential',
      flowCpu(FLOW_SCENARIOS[0]!.label),
      usePg ? 1.5 : 1.3,
      false,
    );
    ratio('full flow, batches of 10, 16 at a time: server CPU ms per credential', flowCpu(FLOW_SCENARIOS[2]!.label), 0.5, false);
    // Issue 22: ≤ 0.5 s on a built checkout. On a shared machine the wall time is mostly waiting
    // for a core; the server's CPU until /readyz (every thread) is the steadier figure.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    ratio('cold start to /readyz, median (ms)', median(coldStartMs), 500, false);
    ratio('cold start: server CPU until /readyz, median (ms)', median(coldStartCpuMs), 500, false);
    for (const s of scenarios)
      if (s.errors > 0 || s.non2xx > 0) notes.push(`${s.name}: ${s.errors} errors (${s.wrongAnswers} wrong answers), ${s.non2xx} non-2xx`);
    // "No errors under any scenario": transport errors never; refusals and wrong answers only as
    // many as the run reused single-use inputs (grants, presentations) it had run out of.
    const failures: string[] = [];
    for (const s of scenarios) {
      if (s.errors - s.wrongAnswers > 0) failures.push(`${s.name}: ${s.errors - s.wrongAnswers} transport errors or timeouts`);
      if (s !== vci && s !== mdoc.verify && s.non2xx > 0) failures.push(`${s.name}: ${s.non2xx} non-2xx answers`);
    }
    if (hostile.status['5xx'] + hostile.status['2xx'] + hostile.status.other > 0)
      failures.push(
        `hostile mix: ${hostile.status['5xx']} 5xx and ${hostile.status['2xx']} 2xx answers (every request must be refused 4xx)`,
      );
    for (const k of hostile.perKind) if (k.status < 400 || k.status >= 500) failures.push(`hostile mix: ${k.name} answered ${k.status}`);
    for (const r of flows.results)
      if (r.errors > 0) failures.push(`full flow, ${r.name}: ${r.errors} failed flows (${r.errorSamples.join('; ')})`);
    if (mdoc.verify.non2xx > mdoc.replayed)
      failures.push(`${mdoc.verify.name}: ${mdoc.verify.non2xx} non-2xx answers, ${mdoc.replayed} expected`);
    if (vci.non2xx > reusedGrants) failures.push(`${vci.name}: ${vci.non2xx} non-2xx answers, ${reusedGrants} expected`);
    const wrongVerdicts = verify.runs.reduce((n, r) => n + r.wrongAnswers, verify.half.wrongAnswers);
    if (wrongVerdicts > replayedPresentations)
      failures.push(`verification: ${wrongVerdicts} answers not "verified", ${replayedPresentations} expected`);

    writeReport(join(ROOT, 'bench'), {
      when: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      store: usePg ? 'postgres' : 'sqlite',
      machine: machine(),
      coldStartMs,
      peakRssMb,
      baselines,
      scenarios,
      ratios,
      dataLoss: { acknowledged, recorded, lost: Math.max(0, acknowledged - recorded) },
      hostile,
      ...(signers && { signers }),
      flows,
      notes,
    });
    process.stdout.write(`wrote bench/report.md and bench/report.json\n`);
    if (acknowledged > recorded) {
      process.stderr.write(`DATA LOSS: ${acknowledged - recorded} acknowledged issuances have no record\n`);
      process.exitCode = 1;
    }
    if (flows.dataLoss.lost > 0) {
      process.stderr.write(`DATA LOSS: ${flows.dataLoss.lost} credentials delivered by full flows have no record\n`);
      process.exitCode = 1;
    }
    if (strict && failures.length > 0) {
      process.stderr.write(`bench --check failed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
      process.exitCode = 1;
    }
  } finally {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
