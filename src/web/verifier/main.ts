/**
 * /verifier — the clerk's counter. An API key (verifier role) entered once per tab
 * (sessionStorage). Online mode: pick a preset or write a DCQL query, show the openid4vp:// QR,
 * wait for the wallet, then a large green or red verdict with the disclosed claims and every
 * failed check in plain words. Counter mode: paste or scan the holder's QR and verify it at once.
 */
import { clerkMessage } from '../../verdict/clerk-messages.js';
import type { CheckName } from '../../verdict/check-names.js';
import { ApiError, callApi, describeError, signInAs } from '../shared/api.js';
import { claimLabel, inDisplayOrder, loadTypes, portraitUrl, valueText, type CredentialTypeView } from '../shared/catalog.js';
import { field, h, rows } from '../shared/dom.js';
import { formatDate, t, tx, type Text } from '../shared/i18n.js';
import { startPage } from '../shared/page.js';
import { qrCanvas } from '../shared/qr.js';
import { scanButton } from '../shared/scan.js';
import { claimNameOf, dcqlFor, flatClaims, PRESETS, type Preset } from './presets.js';
import { parseEngagementLink } from '../../holder/engagement-link.js';
import { askDeviceWallet, hasDigitalCredentials } from './device-wallet.js';
import { rememberSameDevice, sameDeviceReturnUri, takeSameDeviceReturn } from './same-device.js';

interface Check {
  check: CheckName;
  ok: boolean;
  code: string;
}
interface VerificationResult {
  verdict: 'verified' | 'rejected';
  code: string;
  message: Text;
  checks: Check[];
  credential?: { type?: string | null; issuer?: string | null } | null;
  claims?: Record<string, unknown>;
}
interface RequestState {
  status: 'pending' | 'verified' | 'rejected' | 'expired';
  result?: {
    verdict: string;
    code: string;
    verdict_message?: Text;
    wallet_error?: string;
    credentials?: Record<string, VerificationResult[]>;
  };
}
interface Verdict {
  ok: boolean;
  headline: Text;
  reasons: Text[];
  result?: VerificationResult;
}

const KEY = 'dproof.verifier.apiKey';
const state = {
  apiKey: sessionStorage.getItem(KEY) ?? '',
  keyDraft: '',
  mode: 'online' as 'online' | 'counter',
  presetId: PRESETS[0]!.id,
  custom: '',
  customPurpose: { ko: '', en: '' },
  types: [] as CredentialTypeView[],
  request: null as { id: string; link: string; canvas: HTMLCanvasElement | null; expiresAt: string; sameDevice?: boolean } | null,
  waiting: false,
  counterText: '',
  /** The counter's challenge (a nonce issued to this client for the counter) the holder's wallet scans. */
  challenge: null as { canvas: HTMLCanvasElement | null; text: string; expiresAt: string } | null,
  verdict: null as Verdict | null,
  busy: false,
  error: '',
};
let pollTimer: ReturnType<typeof setTimeout> | undefined;

const page = startPage('verifier', render, async () => {
  state.types = await loadTypes();
  await finishSameDevice();
});

// The wallet may bring the holder back to this very document: then only the fragment changes.
window.addEventListener('hashchange', () => {
  void finishSameDevice().then((handled) => {
    if (!handled) return;
    render(page.main);
    document.getElementById('verdict')?.focus();
  });
});

/** Back from the wallet on this device (same-device.ts): the result, read with the response_code. */
async function finishSameDevice(): Promise<boolean> {
  const back = takeSameDeviceReturn();
  if (back === undefined) return false;
  state.request = null;
  if (back === 'foreign' || !state.apiKey) {
    state.error = t(
      '이 화면에서 시작한 요청의 응답이 아닙니다. 다른 탭이나 브라우저에서 시작된 제출은 받지 않습니다. 새로 요청하십시오.',
      'This answer is not for a request started on this page. An answer to a request started in another tab or browser is not accepted. Start a new request.',
    );
    return true;
  }
  try {
    const r = await callApi<RequestState>(
      `/v1/verifier/requests/${encodeURIComponent(back.id)}?response_code=${encodeURIComponent(back.code)}`,
      { bearer: state.apiKey },
    );
    showResult(r);
  } catch (err) {
    state.error = describeError(err);
  }
  return true;
}
const preset = (): Preset | undefined => PRESETS.find((p) => p.id === state.presetId);

async function act(fn: () => Promise<void>): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  state.error = '';
  render(page.main);
  try {
    await fn();
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'invalid_api_key' || err.code === 'revoked_api_key')) forgetKey();
    state.error = describeError(err);
  } finally {
    state.busy = false;
    render(page.main);
  }
}

function forgetKey(): void {
  sessionStorage.removeItem(KEY);
  state.apiKey = '';
}

/** The catalogue type a preset asks for first (its claim labels name the requested items). */
const presetType = (p: Preset) => state.types.find((x) => x.id === p.types[0]);

/** Turns a verification result into the verdict the clerk sees; a preset may add a condition. */
function judge(r: VerificationResult | undefined, p: Preset | undefined, fallback?: Text): Verdict {
  if (!r) return { ok: false, headline: fallback ?? { ko: '제출되지 않았습니다.', en: 'Nothing was presented.' }, reasons: [] };
  const reasons = r.checks.filter((c) => !c.ok && c.code !== 'not_checked').map((c) => clerkMessage(c.code, c.check));
  if (r.verdict === 'verified' && p?.expect) {
    const value = flatClaims(p, r.claims)[p.expect.claim];
    if (value !== p.expect.value) return { ok: false, headline: p.expect.failure, reasons: [], result: r };
  }
  return { ok: r.verdict === 'verified', headline: r.message, reasons: reasons.filter((x) => x.ko !== r.message.ko), result: r };
}

/** The request body of the chosen preset or custom DCQL query. */
function requestBody(): Record<string, unknown> {
  const p = preset();
  let dcql: unknown;
  try {
    dcql = p ? dcqlFor(p, state.types) : JSON.parse(state.custom);
  } catch {
    throw new Error(t('DCQL 질의가 JSON이 아닙니다.', 'The DCQL query is not JSON.'));
  }
  const purpose = p
    ? p.purpose
    : state.customPurpose.ko
      ? { ko: state.customPurpose.ko, en: state.customPurpose.en || state.customPurpose.ko }
      : undefined;
  return { dcql_query: dcql, ...(purpose && { purpose }) };
}

/**
 * A new request replaces the one shown: its QR goes before the new one is asked for, so a refused
 * query (bad DCQL) is not said next to the old QR still "waiting for the wallet".
 */
function dropShownRequest(): void {
  clearTimeout(pollTimer);
  state.verdict = null;
  state.request = null;
  state.waiting = false;
}

async function startRequest(): Promise<void> {
  dropShownRequest();
  const created = await callApi<{ id: string; authorization_request: string; expires_at: string }>('/v1/verifier/requests', {
    // HAIP 1.0 §5.1: the wallet's answer comes back encrypted to this request's own key.
    json: { ...requestBody(), response_mode: 'direct_post.jwt' },
    bearer: state.apiKey,
  });
  state.request = {
    id: created.id,
    link: created.authorization_request,
    expiresAt: created.expires_at,
    canvas: await qrCanvas(
      created.authorization_request,
      t('제출 요청 QR: 지갑으로 스캔하십시오', 'Request QR: scan it with the wallet'),
      'M',
    ),
  };
  state.waiting = true;
  poll(created.id);
}

function poll(id: string, everyMs = 1000): void {
  pollTimer = setTimeout(async () => {
    if (state.request?.id !== id) return;
    try {
      const r = await callApi<RequestState>(`/v1/verifier/requests/${encodeURIComponent(id)}`, { bearer: state.apiKey });
      if (r.status === 'pending') return poll(id, everyMs);
      showResult(r);
      render(page.main);
      document.getElementById('verdict')?.focus();
    } catch (err) {
      state.waiting = false;
      state.error = describeError(err);
      render(page.main);
    }
  }, everyMs);
}

/** An answered or expired request becomes the verdict; its QR is not shown again. */
function showResult(r: RequestState): void {
  state.waiting = false;
  state.request = null;
  if (r.status === 'expired')
    state.verdict = {
      ok: false,
      headline: { ko: '요청이 만료되었습니다. 새로 요청하십시오.', en: 'The request expired. Start a new one.' },
      reasons: [],
    };
  else {
    const first = Object.values(r.result?.credentials ?? {})[0]?.[0];
    state.verdict = judge(first, preset(), r.result?.verdict_message);
  }
}

/**
 * Same device (same-device.ts): a request that sends the holder back to this page, whose result
 * is read only with the response_code the wallet brings back; no polling (the answer comes here).
 */
async function startSameDeviceRequest(): Promise<void> {
  dropShownRequest();
  const created = await callApi<{ id: string; authorization_request: string; expires_at: string }>('/v1/verifier/requests', {
    json: { ...requestBody(), response_mode: 'direct_post.jwt', redirect_uri: sameDeviceReturnUri() },
    bearer: state.apiKey,
  });
  rememberSameDevice(created.id);
  state.waiting = false;
  state.request = { id: created.id, link: created.authorization_request, expiresAt: created.expires_at, canvas: null, sameDevice: true };
}

/** The Digital Credentials API (device-wallet.ts): the answer is handed back, then read like any other. */
async function startDeviceRequest(): Promise<void> {
  dropShownRequest();
  const id = await askDeviceWallet(requestBody(), state.apiKey);
  state.request = { id, link: '', expiresAt: new Date(Date.now() + 60_000).toISOString(), canvas: null };
  state.waiting = true;
  poll(id, 200);
}

/**
 * `POST /v1/verifier/engagements`: the scanned holder QR becomes an OpenID4VP request with this
 * counter's preset, delivered to the waiting wallet; the result is polled like any request's,
 * more often (the holder is standing here: consent to verdict should take under a second).
 */
async function redeemEngagement(text: string, p: Preset | undefined): Promise<void> {
  if (!p) throw new Error(t('보관된 확인 항목을 고르십시오.', 'Choose one of the preset checks.'));
  const created = await callApi<{ id: string; authorization_request: string; expires_at: string }>('/v1/verifier/engagements', {
    json: { engagement: text, dcql_query: dcqlFor(p, state.types), purpose: p.purpose },
    bearer: state.apiKey,
  });
  state.counterText = '';
  state.request = { id: created.id, link: created.authorization_request, expiresAt: created.expires_at, canvas: null };
  state.waiting = true;
  poll(created.id, 200);
}

/** `POST /v1/verifier/counter-nonces`: a single-use challenge bound to this verifier client's counter. */
async function newChallenge(): Promise<void> {
  const r = await callApi<{ challenge: string; expires_at: string }>('/v1/verifier/counter-nonces', {
    method: 'POST',
    bearer: state.apiKey,
  });
  state.challenge = {
    text: r.challenge,
    expiresAt: r.expires_at,
    canvas: await qrCanvas(
      r.challenge,
      t('창구 코드: 손님 지갑으로 스캔하십시오', 'Counter code: the customer scans it with the wallet'),
      'M',
    ),
  };
}

async function verifyCounter(): Promise<void> {
  clearTimeout(pollTimer);
  state.request = null;
  state.waiting = false;
  state.verdict = null;
  const p = preset();
  const text = state.counterText.trim();
  if (!text) throw new Error(t('소지자의 QR을 스캔하거나 내용을 붙여 넣으십시오.', 'Scan the holder’s QR or paste its content.'));
  // The holder's small engagement QR: the counter's request goes to that wallet, the verdict comes by polling.
  if (parseEngagementLink(text)) return redeemEngagement(text, p);
  const r = await callApi<VerificationResult>('/v1/verifier/verify', {
    json: { presentation: text, ...(p && { policy: { types: p.types, claims: p.claims }, purpose: p.purpose }) },
    bearer: state.apiKey,
  });
  state.counterText = '';
  state.challenge = null; // used: the next customer gets a fresh one
  state.verdict = judge(r, p);
}

function render(main: HTMLElement): void {
  main.replaceChildren(h('h1', {}, t('검증 창구', 'Verifier counter')));
  if (!state.apiKey) {
    const input = h('input', {
      type: 'password',
      autocomplete: 'off',
      spellcheck: 'false',
      value: state.keyDraft,
      on: { input: (e) => (state.keyDraft = (e.target as HTMLInputElement).value.trim()) },
    });
    main.append(
      h(
        'form',
        {
          class: 'card',
          on: {
            submit: (e) => {
              e.preventDefault();
              const key = state.keyDraft;
              if (!key) return;
              void act(async () => {
                // An issuer or admin key is turned away here, not at the first request.
                await signInAs(key, ['verifier']);
                state.apiKey = key;
                state.keyDraft = '';
                sessionStorage.setItem(KEY, key);
              });
            },
          },
        },
        h('h2', {}, t('API 키', 'API key')),
        field(t('검증기관(verifier) API 키', 'Verifier API key'), input, {
          hint: t(
            '이 탭을 닫을 때까지만 기억합니다. 키는 `npx dproof clients create --role verifier`로 만듭니다.',
            'Kept until this tab is closed. Make one with `npx dproof clients create --role verifier`.',
          ),
        }),
        h('button', { type: 'submit', class: 'primary' }, t('시작', 'Start')),
      ),
    );
    if (state.error) main.append(h('p', { class: 'callout error', role: 'alert' }, state.error));
    return;
  }
  const modeButton = (m: 'online' | 'counter', label: string) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        'aria-selected': String(state.mode === m),
        class: state.mode === m ? 'tab active' : 'tab',
        on: {
          click: () => {
            state.mode = m;
            state.verdict = null;
            render(main);
          },
        },
      },
      label,
    );
  main.append(
    h(
      'div',
      { class: 'row between' },
      h(
        'div',
        { role: 'tablist', 'aria-label': t('검증 방식', 'How to verify') },
        modeButton('online', t('창구 QR 보여 주기', 'Show a request QR')),
        modeButton('counter', t('지갑 QR 읽기', 'Read the holder’s QR')),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          on: {
            click: () => {
              forgetKey();
              clearTimeout(pollTimer);
              state.request = null;
              render(main);
            },
          },
        },
        t('API 키 바꾸기', 'Change API key'),
      ),
    ),
  );
  // The verdict comes first: it is what the clerk looks at.
  if (state.verdict) main.append(verdictView(state.verdict));
  if (state.error) main.append(h('p', { class: 'callout error', role: 'alert' }, state.error));
  main.append(presetPicker(), state.mode === 'online' ? onlinePanel() : counterPanel());
}

function presetPicker(): HTMLElement {
  const select = h(
    'select',
    {
      on: {
        change: (e) => {
          state.presetId = (e.target as HTMLSelectElement).value;
          if (state.presetId === 'custom' && !state.custom) state.custom = JSON.stringify(dcqlFor(PRESETS[0]!, state.types), null, 2);
          render(page.main);
        },
      },
    },
    PRESETS.map((p) => h('option', { value: p.id, selected: p.id === state.presetId }, tx(p.name))),
    h('option', { value: 'custom', selected: state.presetId === 'custom' }, t('직접 작성 (DCQL)', 'Custom (DCQL)')),
  );
  const p = preset();
  const box = h(
    'section',
    { class: 'card', 'aria-labelledby': 'what-h' },
    h('h2', { id: 'what-h' }, t('무엇을 확인합니까', 'What to check')),
    field(t('확인 항목', 'Check'), select),
  );
  if (p) {
    box.append(
      h(
        'p',
        { class: 'hint' },
        `${t('목적', 'Purpose')}: ${tx(p.purpose)} · ${t('요청 항목', 'Items')}: ${p.claims.map((c) => claimLabel(presetType(p), claimNameOf(p, c))).join(', ')}`,
      ),
    );
  } else {
    const area = h('textarea', {
      rows: 10,
      class: 'mono',
      spellcheck: 'false',
      value: state.custom,
      on: { input: (e) => (state.custom = (e.target as HTMLTextAreaElement).value) },
    });
    const ko = h('input', {
      type: 'text',
      value: state.customPurpose.ko,
      on: { input: (e) => (state.customPurpose.ko = (e.target as HTMLInputElement).value) },
    });
    const en = h('input', {
      type: 'text',
      value: state.customPurpose.en,
      on: { input: (e) => (state.customPurpose.en = (e.target as HTMLInputElement).value) },
    });
    box.append(
      field(t('DCQL 질의 (OpenID4VP §6)', 'DCQL query (OpenID4VP §6)'), area),
      field(t('목적 (한국어)', 'Purpose (Korean)'), ko),
      field(t('목적 (영어)', 'Purpose (English)'), en),
    );
  }
  return box;
}

function onlinePanel(): HTMLElement {
  const r = state.request;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'online-h' },
    h('h2', { id: 'online-h' }, t('창구 QR', 'Request QR')),
    h(
      'button',
      { type: 'button', class: 'primary', disabled: state.busy, on: { click: () => act(startRequest) } },
      r
        ? t('새 요청', 'New request')
        : state.verdict
          ? t('다음 손님: 요청 QR 만들기', 'Next customer: make request QR')
          : t('요청 QR 만들기', 'Make request QR'),
    ),
    h(
      'button',
      { type: 'button', id: 'same-device', disabled: state.busy, on: { click: () => act(startSameDeviceRequest) } },
      t('이 기기의 지갑 열기 (링크)', 'Open the wallet on this device (link)'),
    ),
    r?.sameDevice
      ? h(
          'p',
          { class: 'qr-box' },
          h('a', { href: r.link, id: 'same-device-link', class: 'button primary' }, t('지갑 열기', 'Open the wallet')),
          h(
            'span',
            { class: 'hint' },
            t(
              ' 제출이 끝나면 지갑이 이 화면으로 돌려보냅니다. 이 탭에서만 결과를 받습니다.',
              ' After presenting, the wallet brings you back to this page; only this tab receives the result.',
            ),
          ),
        )
      : null,
    // Feature detection: drawn only where navigator.credentials.get can reach a wallet.
    hasDigitalCredentials()
      ? h(
          'button',
          { type: 'button', id: 'device-wallet', disabled: state.busy, on: { click: () => act(startDeviceRequest) } },
          t('이 기기의 지갑으로 확인', "This device's wallet"),
        )
      : null,
    r && r.link && !r.sameDevice
      ? h(
          'div',
          { class: 'qr-box' },
          r.canvas,
          h(
            'p',
            { class: 'hint' },
            t(
              `손님이 지갑으로 스캔합니다. ${formatDate(r.expiresAt, true)}까지 유효합니다.`,
              `The customer scans it with the wallet. Valid until ${formatDate(r.expiresAt, true)}.`,
            ),
          ),
          h(
            'details',
            {},
            h('summary', {}, t('같은 기기에서: 요청 링크', 'Same device: the request link')),
            h('input', {
              type: 'text',
              readonly: true,
              class: 'mono',
              'aria-label': t('요청 링크', 'Request link'),
              value: r.link,
              id: 'request-link',
            }),
          ),
          state.waiting ? h('p', { class: 'waiting', role: 'status' }, t('지갑의 응답을 기다리는 중…', 'Waiting for the wallet…')) : null,
        )
      : r && state.waiting
        ? h('p', { class: 'waiting', role: 'status' }, t('지갑의 응답을 확인하는 중…', "Checking the wallet's answer…"))
        : null,
  );
}

function counterPanel(): HTMLElement {
  const area = h('textarea', {
    rows: 4,
    class: 'mono',
    spellcheck: 'false',
    value: state.counterText,
    on: { input: (e) => (state.counterText = (e.target as HTMLTextAreaElement).value) },
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'counter-h' },
    h('h2', { id: 'counter-h' }, t('지갑 QR 읽기', 'Read the holder’s QR')),
    h(
      'p',
      { class: 'hint' },
      t(
        '손님 지갑의 작은 QR(‘창구에서 보여 주기’)을 카메라로 읽으면, 고른 확인 항목을 손님 지갑에 요청합니다. 인터넷이 없을 때는 창구 코드를 보여 주고 손님 지갑이 만든 QR을 읽습니다.',
        'Scan the small QR on the customer’s wallet (“Show at a counter”): the chosen check is asked of that wallet. Offline, show the counter code and read the QR the wallet makes for it.',
      ),
    ),
    h(
      'button',
      { type: 'button', disabled: state.busy, on: { click: () => act(newChallenge) } },
      state.challenge ? t('새 창구 코드', 'New counter code') : t('창구 코드 보여 주기', 'Show the counter code'),
    ),
    state.challenge
      ? h(
          'div',
          { class: 'qr-box' },
          state.challenge.canvas,
          h(
            'p',
            { class: 'hint' },
            t(
              `${formatDate(state.challenge.expiresAt, true)}까지 유효합니다.`,
              `Valid until ${formatDate(state.challenge.expiresAt, true)}.`,
            ),
          ),
          h(
            'details',
            {},
            h('summary', {}, t('코드 내용', 'Code text')),
            h('input', {
              type: 'text',
              readonly: true,
              class: 'mono',
              'aria-label': t('창구 코드', 'Counter code'),
              value: state.challenge.text,
              id: 'counter-challenge',
            }),
          ),
        )
      : null,
    scanButton(
      (text) => {
        state.counterText = text;
        void act(verifyCounter);
      },
      (m) => page.announce(m, 'error'),
    ),
    state.waiting && state.mode === 'counter'
      ? h('p', { class: 'waiting', role: 'status' }, t('손님 지갑의 동의를 기다리는 중…', 'Waiting for the customer’s consent…'))
      : null,
    field(t('QR 내용', 'QR content'), area, { hint: t('스캐너가 읽은 내용을 붙여 넣으십시오.', 'Paste what the scanner read.') }),
    h('button', { type: 'button', class: 'primary', disabled: state.busy, on: { click: () => act(verifyCounter) } }, t('확인', 'Verify')),
  );
}

function verdictView(v: Verdict): HTMLElement {
  const asked = v.result?.credential?.type;
  const ty =
    state.types.find((x) => x.id === asked || x.vct === asked) ??
    preset()
      ?.types.map((id) => state.types.find((x) => x.id === id))
      .find((x) => x !== undefined);
  const claims = inDisplayOrder(ty, Object.entries(flatClaims(preset(), v.result?.claims)));
  return h(
    'section',
    { id: 'verdict', tabindex: '-1', class: `verdict ${v.ok ? 'ok' : 'bad'}`, 'aria-live': 'assertive', 'aria-labelledby': 'verdict-h' },
    h('p', { class: 'verdict-mark', 'aria-hidden': 'true' }, v.ok ? '✓' : '✕'),
    h('h2', { id: 'verdict-h' }, v.ok ? t('확인됨', 'Verified') : t('거절', 'Rejected')),
    h('p', { class: 'verdict-message' }, tx(v.headline)),
    v.reasons.length
      ? h(
          'ul',
          { class: 'reasons' },
          v.reasons.map((m) => h('li', {}, tx(m))),
        )
      : null,
    // Only a credential that was read has a type to name (junk pasted at the counter has none).
    ty && v.result?.credential ? h('p', {}, `${t('증명서', 'Credential')}: ${tx(ty.name)}`) : null,
    claims.length
      ? rows(
          claims.map(([k, value]) => {
            const portrait = k === 'portrait' ? portraitUrl(value) : null;
            return [
              claimLabel(ty, k),
              portrait
                ? h('img', { src: portrait, alt: t('제출된 사진', 'Presented portrait'), class: 'portrait' })
                : valueText(ty, k, value),
            ];
          }),
        )
      : null,
    v.result
      ? h(
          'details',
          {},
          h('summary', {}, t('검사 단계 (지원 문의용 세부 정보)', 'Checks (details for support)')),
          h(
            'ul',
            { class: 'plain' },
            v.result.checks.map((c) => h('li', {}, `${c.ok ? '✓' : '✕'} ${c.check}: ${c.code}`)),
          ),
        )
      : null,
  );
}
