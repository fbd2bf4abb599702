/**
 * /wallet — a browser wallet: receive a credential from an offer link (OpenID4VCI), keep it with a
 * non-extractable WebCrypto key in IndexedDB, show it as a card, choose what to disclose, answer
 * an openid4vp:// request after consent, show a counter QR, and list where it was presented.
 */
import './zod-jitless.js'; // first: before @owf/mdoc builds its zod schemas
import { describeError, isWrongTxCode } from '../shared/api.js';
import { claimLabel, inDisplayOrder, loadTypes, portraitUrl, typeByVct, valueText, type CredentialTypeView } from '../shared/catalog.js';
import { field, h, rows, type Child } from '../shared/dom.js';
import { formatDate, onLangChange, t, tx } from '../shared/i18n.js';
import { secureContextNotice, startPage } from '../shared/page.js';
import { byName } from '../shared/sort.js';
import { qrCanvas } from '../shared/qr.js';
import { scanButton } from '../shared/scan.js';
import { loadHistory, type Receipt } from './history.js';
import {
  answerRequest,
  candidatesFor,
  type Decoded,
  claimsToOffer,
  declineRequest,
  dcApiResponseData,
  readDcApiRequest,
  readVerifierRequest,
  type Answer,
  type VerifierRequest,
} from './openid4vp.js';
import { readOffer, receiveCredential } from './receive-offer.js';
import { createPresentation, decodeSdJwt, isDisclosable, TECHNICAL_CLAIMS } from './sd-jwt.js';
import { decodeMdoc, isMdoc, mdocElements, MSO_MDOC } from './mdoc.js';
import { toCatalogClaimName, toClaimPathName } from '../../formats/claim-path/claim-path-name.js';
import type { ClaimPathPointer } from '../../formats/claim-path/claim-path-pointer.js';
import { processClaimPath } from '../../formats/claim-path/process-claim-path.js';
import { deleteCredential, deleteKey, getKey, listCredentials, type StoredCredential } from './wallet-db.js';
import { parseCounterChallenge } from '../../holder/counter-challenge-link.js';
import { holderMessage } from '../../verdict/holder-messages.js';
import { withParticle } from '../../verdict/particle.js';
import { CREDENTIAL_STATUS } from '../../verdict/glossary.js';
import { cardStatus, type CardStatus } from './card-status.js';
import { secondsLeft, startEngagement, type Engagement } from './engagement.js';
import { readHolderResult, verifierReturn, type HolderResult } from './holder-result.js';
import { isDeclined, mergeHistory, readDeclined, recordDeclined, type DeclinedAttempt } from './declined-log.js';

type View =
  | { name: 'home' }
  | { name: 'credential'; id: string }
  | {
      name: 'consent';
      request: VerifierRequest;
      picks: Record<string, { credId: string; paths: Set<string> }>;
      /** A Digital Credentials API request: where its answer goes (the calling page). */
      dcApi?: DcApiCall;
    }
  | { name: 'answered'; request: VerifierRequest; status: string | undefined; declined: boolean; result: HolderResult | undefined }
  | { name: 'history' };

/** The caller of answerDigitalCredentialRequest, waiting for the holder's decision. */
interface DcApiCall {
  resolve: (data: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

interface Held {
  stored: StoredCredential;
  decoded: Decoded;
  type: CredentialTypeView | undefined;
  status: CardStatus;
}

/** A kept card the wallet cannot read: shown on its own, to be deleted; never offered for presenting. */
interface Unreadable {
  stored: StoredCredential;
  /** Why (the decoder's sentence, in the page's language). */
  error: unknown;
}

const state = {
  view: { name: 'home' } as View,
  held: [] as Held[],
  /** Kept cards that could not be read: not in `held`, so nothing presents, matches or lists them for a verifier. */
  unreadable: [] as Unreadable[],
  types: [] as CredentialTypeView[],
  offerLink: '',
  txCode: '',
  /** What is wrong with the transaction code (missing, or wrong with the tries left); cleared as the person types. */
  txCodeError: '',
  requestLink: '',
  busy: false,
  errors: {} as Record<string, string>,
  disclose: new Map<string, Set<string>>(),
  /** The counter's challenge as scanned or pasted (`dproof-counter:?aud=…&nonce=…`). */
  challengeText: '',
  counter: null as { credId: string; text: string; canvas: HTMLCanvasElement | null; at: number } | null,
  history: null as (Receipt | DeclinedAttempt)[] | null,
  /** The small engagement QR shown at a counter, while it waits for the counter's request. */
  engagement: null as Engagement | null,
};

const page = startPage('wallet', render, reload);

async function reload(): Promise<void> {
  state.types = await loadTypes().catch(() => []);
  const stored = await listCredentials();
  // Each card on its own: one the wallet cannot read is shown as such (to be deleted), and the others as ever.
  const read = await Promise.all(
    stored.map(async (s): Promise<Held | Unreadable> => {
      try {
        checkRecord(s);
        const decoded = s.format === MSO_MDOC ? decodeMdoc(s.credential) : await decodeSdJwt(s.credential);
        return { stored: s, decoded, type: typeOf(s), status: await cardStatus(decoded, s.expires_at) };
      } catch (error) {
        return { stored: s, error };
      }
    }),
  );
  state.held = read.filter((x): x is Held => 'decoded' in x);
  state.unreadable = read.filter((x): x is Unreadable => 'error' in x);
}

/**
 * What the page relies on in a kept record besides the credential: the id that finds the card again,
 * the vct that names it and matches it to a request, and the expiry that decides whether it may be
 * presented. A record this page did not write (by hand, by an older build, changed in storage) may
 * hold anything there; such a card is unreadable (the page's general sentence in Korean, this
 * detail in English). What is only shown (issuer, received date) is read as text instead.
 */
function checkRecord(s: StoredCredential): void {
  const r = s as unknown as Record<string, unknown>;
  // IndexedDB keeps numbers, dates and arrays as ids too: a select's value (text) would not find such a card again.
  if (typeof r.id !== 'string') throw new Error('its kept id is not text');
  if (typeof r.vct !== 'string') throw new Error('its kept type (vct) is not text');
  if (r.expires_at !== null && (typeof r.expires_at !== 'string' || Number.isNaN(Date.parse(r.expires_at))))
    throw new Error('its kept expiry is not a date');
}

/** A kept record's text as shown: '-' for none, or for what is no text (a record this page did not write). */
const storedText = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : '-');
/** A kept record's date as shown; what is no text is shown as none. */
const storedDate = (value: unknown, withTime = false): string => formatDate(typeof value === 'string' ? value : null, withTime);
/**
 * The issuer as shown: the catalogue's issuing authority, with the host the card came from when
 * `withHost`, or the kept issuer itself. A kept issuer that is no URL is shown as it is, never parsed.
 */
function issuerText(type: CredentialTypeView | undefined, issuer: unknown, withHost: boolean): string {
  if (!type?.issuing_authority) return storedText(issuer);
  let place = '';
  if (withHost && typeof issuer === 'string') {
    try {
      place = new URL(issuer).host;
    } catch {
      place = issuer;
    }
  }
  return place ? `${tx(type.issuing_authority)} (${place})` : tx(type.issuing_authority);
}

/** An SD-JWT VC's type by its vct; an mdoc's by its configuration (`<type id>-mso-mdoc`, OpenID4VCI Appendix A.2). */
const typeOf = (s: StoredCredential): CredentialTypeView | undefined =>
  s.format === MSO_MDOC ? state.types.find((ty) => `${ty.id}-mso-mdoc` === s.configuration_id) : typeByVct(state.types, s.vct);

/** Cards re-read their status lists (each kept for its `ttl`), so a revocation shows without a reload. */
setInterval(() => {
  void Promise.all(state.held.map(async (x) => ({ x, next: await cardStatus(x.decoded, x.stored.expires_at) }))).then((changes) => {
    let changed = false;
    for (const { x, next } of changes) {
      if (x.status === next) continue;
      x.status = next;
      changed = true;
    }
    if (changed && !state.busy && state.view.name === 'home') render(page.main);
  });
}, 2000);

/**
 * An unreadable card's reason is the decoder's sentence, written in the language of the moment the
 * card was read: the cards are read again when the language changes, so it follows the page.
 */
onLangChange(() => {
  if (state.unreadable.length === 0) return;
  void reload().then(() => {
    if (!state.busy) render(page.main);
  });
});

/** Only a card that is valid now is offered for presenting. */
const presentable = (): Held[] => state.held.filter((x) => x.status === 'valid' || x.status === 'unknown');

const STATUS_WORDS: Record<CardStatus, { ko: string; en: string }> = {
  valid: CREDENTIAL_STATUS.valid,
  suspended: CREDENTIAL_STATUS.suspended,
  revoked: CREDENTIAL_STATUS.revoked,
  expired: { ko: '만료', en: 'expired' },
  unknown: { ko: '상태 확인 불가', en: 'status unknown' },
};

/** Opens an openid4vp:// request (pasted, scanned, or delivered to the engagement) on the consent screen. */
async function openRequestLink(link: string): Promise<void> {
  openConsent(await readVerifierRequest(link));
}

function openConsent(request: VerifierRequest, dcApi?: DcApiCall): void {
  abandonDcApiCall();
  const picks: Record<string, { credId: string; paths: Set<string> }> = {};
  for (const q of request.queries) {
    const c = candidatesFor(q, presentable())[0];
    if (c) picks[q.id] = { credId: c.stored.id, paths: new Set((claimsToOffer(q, c.decoded) ?? []).map(toClaimPathName)) };
  }
  state.view = { name: 'consent', request, picks, ...(dcApi && { dcApi }) };
}

/**
 * The wallet side of a W3C Digital Credentials API request (OpenID4VP 1.0 Appendix A). A page is
 * not a platform wallet, so no browser calls this by itself: a shell that hosts this page as its
 * wallet (or a test routing navigator.credentials.get here) hands over the requests and the
 * origin the browser vouches for. The signed request is preferred (its expected_origins must hold
 * that origin); the holder consents on this page; resolves to `DigitalCredential.data`
 * (`{ vp_token }`, `{ response: <JWE> }` for dc_api.jwt, or `{ error: 'access_denied' }`);
 * rejects when the wallet refuses the request (the reason is shown here).
 */
async function answerDigitalCredentialRequest(
  requests: readonly { protocol: string; data: unknown }[],
  origin: string,
): Promise<Record<string, unknown>> {
  const chosen = requests.find((r) => r.protocol === 'openid4vp-v1-signed') ?? requests.find((r) => r.protocol === 'openid4vp-v1-unsigned');
  if (state.busy) throw new Error(t('지갑이 다른 일을 처리하는 중입니다.', 'The wallet is busy with something else.'));
  return new Promise((resolve, reject) => {
    void act('request', async () => {
      stopEngagement();
      abandonDcApiCall();
      state.view = { name: 'home' };
      try {
        if (!chosen) throw new Error(t('이 지갑이 읽을 수 있는 요청이 없습니다.', 'No request this wallet can read.'));
        openConsent(await readDcApiRequest(chosen.protocol, chosen.data, origin), { resolve, reject });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        throw e;
      }
    });
  });
}
/**
 * The holder leaves a Digital Credentials API consent screen without answering ("← back", or a
 * newer request): the calling page must not wait for ever, so it gets what a refusal gives
 * (A.4: `{ error: 'access_denied' }`), as the browser's own wallet UI would when dismissed.
 */
function abandonDcApiCall(): void {
  if (state.view.name === 'consent' && state.view.dcApi) state.view.dcApi.resolve({ error: 'access_denied' });
}

Object.defineProperty(window, 'dproofWallet', { value: Object.freeze({ answerDigitalCredentialRequest }) });

function stopEngagement(): void {
  if (state.engagement) state.engagement.stopped = true;
  state.engagement = null;
}

const showAtCounter = () =>
  act('engage', async () => {
    stopEngagement();
    state.engagement = await startEngagement(
      (link) => {
        state.engagement = null;
        void act('engage', () => openRequestLink(link));
      },
      () => {
        state.engagement = null;
        state.errors.engage = t('QR이 만료되었습니다. 새 QR을 만드십시오.', 'The QR expired. Make a new one.');
        render(page.main);
      },
      (e) => {
        state.engagement = null;
        state.errors.engage = describeError(e);
        render(page.main);
      },
    );
  });

/** The countdown under the engagement QR, updated every second without re-rendering the page. */
setInterval(() => {
  const e = state.engagement;
  const el = document.getElementById('engage-countdown');
  if (e && el) el.textContent = countdownText(secondsLeft(e));
}, 1000);
const countdownText = (s: number): string => t(`${s}초 남음`, `${s} s left`);

function engagementSection(): HTMLElement {
  const e = state.engagement;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'engage-h' },
    h('h2', { id: 'engage-h' }, t('창구에서 보여 주기', 'Show at a counter')),
    h(
      'p',
      { class: 'hint' },
      t(
        '작은 QR을 창구 직원이 스캔하면, 창구가 요청한 항목을 이 화면에서 확인하고 제출합니다. QR은 한 번만, 잠시 동안 쓸 수 있습니다.',
        'The clerk scans a small QR; you then see here what the counter asks for, and present. The QR works once, for a short time.',
      ),
    ),
    h(
      'button',
      { type: 'button', class: 'primary', disabled: state.busy || state.held.length === 0, on: { click: showAtCounter } },
      e ? t('새 QR', 'New QR') : t('QR 보여 주기', 'Show QR'),
    ),
    e
      ? h(
          'div',
          { class: 'qr-box', id: 'engage-qr', 'data-link': e.link },
          e.canvas,
          h('p', { class: 'countdown', id: 'engage-countdown', 'aria-live': 'off' }, countdownText(secondsLeft(e))),
          h('p', { class: 'waiting', role: 'status' }, t('창구의 요청을 기다리는 중…', 'Waiting for the counter’s request…')),
        )
      : null,
    errorText('engage'),
  );
}

function go(view: View): void {
  abandonDcApiCall();
  state.view = view;
  state.errors = {};
  render(page.main);
  page.main.focus();
}

async function act(where: string, fn: () => Promise<void>): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  state.errors = {};
  render(page.main);
  try {
    await fn();
  } catch (err) {
    state.errors[where] = describeError(err);
  } finally {
    state.busy = false;
    render(page.main);
  }
}

const HANGUL = /[\uAC00-\uD7A3]/;
const errorText = (where: string): Child =>
  state.errors[where] ? h('p', { class: 'callout error', role: 'alert' }, state.errors[where]) : null;
const typeName = (held: Held) => (held.type ? tx(held.type.name) : held.stored.vct);
const holderClaims = (d: Decoded) => (isMdoc(d) ? mdocElements(d) : Object.entries(d.claims).filter(([k]) => !TECHNICAL_CLAIMS.has(k)));
const disclosable = (d: Decoded, name: string) => isMdoc(d) || isDisclosable(d, [name]);
/** The catalogue's name of what a pointer reaches: an mdoc's `[namespace, element]` is labelled by its element. */
const claimNameOf = (d: Decoded, pointer: ClaimPathPointer) =>
  isMdoc(d) ? toCatalogClaimName(pointer.slice(1)) : toCatalogClaimName(pointer);

function render(main: HTMLElement): void {
  const v = state.view;
  const notice = secureContextNotice();
  main.replaceChildren();
  if (notice) main.append(notice);
  if (v.name === 'home') main.append(...homeView());
  else if (v.name === 'credential') main.append(...credentialView(v.id));
  else if (v.name === 'consent') main.append(...consentView(v));
  else if (v.name === 'answered') main.append(...answeredView(v));
  else main.append(...historyView());
}

// ---- home -------------------------------------------------------------------------------

/**
 * A pasted link's length bound: a QR holds at most ~4,300 characters, and Chromium took ~2.5 s to
 * lay out a 50,000-character paste in one line of the box (175 ms bounded). A longer paste is cut
 * here and read as a bad link.
 */
const LINK_MAX_LENGTH = 8192;

function homeView(): HTMLElement[] {
  const offerInput = h('textarea', {
    rows: 2,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: LINK_MAX_LENGTH,
    placeholder: 'openid-credential-offer://?credential_offer_uri=…',
    on: { input: (e) => (state.offerLink = (e.target as HTMLTextAreaElement).value) },
  });
  offerInput.value = state.offerLink;
  /**
   * A Korean IME may type full-width digits (０–９): the wallet sends the ASCII digits they show.
   * The service compares the code as bytes and refuses full-width ones (never normalised there).
   */
  const asciiDigits = (s: string): string => s.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const txInput = h('input', {
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: 12,
    value: state.txCode,
    on: {
      input: (e) => {
        const input = e.target as HTMLInputElement;
        state.txCode = asciiDigits(input.value.trim());
        // The message was about the code the field held before: drop it as soon as it changes
        // (in place, so the field keeps focus and caret).
        if (state.txCodeError) {
          state.txCodeError = '';
          input.removeAttribute('aria-invalid');
          document.getElementById(`${input.id}-err`)?.remove();
        }
      },
    },
  });
  const receive = async () =>
    act('receive', async () => {
      const parsed = await readOffer(state.offerLink);
      if (parsed.txCode && !state.txCode) {
        state.txCodeError = t(
          `이 발급에는 발급기관이 따로 알려 준 거래 코드${parsed.txCode.length ? `(${parsed.txCode.length}자리)` : ''}가 필요합니다.`,
          `This offer needs the transaction code the issuer sent you separately${parsed.txCode.length ? ` (${parsed.txCode.length} digits)` : ''}.`,
        );
        return;
      }
      let stored;
      try {
        stored = await receiveCredential(parsed, state.txCode || undefined);
      } catch (err) {
        // A wrong code (with tries left) is about the field: say it there, and empty the field.
        if (isWrongTxCode(err)) {
          state.txCode = '';
          state.txCodeError = describeError(err);
          return;
        }
        throw err;
      }
      state.offerLink = '';
      state.txCode = '';
      state.txCodeError = '';
      await reload();
      const held = state.held.find((x) => x.stored.id === stored.id);
      page.announce(t(`받았습니다: ${held ? typeName(held) : stored.vct}`, `Received: ${held ? typeName(held) : stored.vct}`), 'ok');
    });

  const requestInput = h('textarea', {
    rows: 2,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: LINK_MAX_LENGTH,
    placeholder: 'openid4vp://?client_id=…&request_uri=…',
    on: { input: (e) => (state.requestLink = (e.target as HTMLTextAreaElement).value) },
  });
  requestInput.value = state.requestLink;
  const openRequest = async () =>
    act('request', async () => {
      await openRequestLink(state.requestLink);
      state.requestLink = '';
    });

  const kept = state.held.length + state.unreadable.length;
  return [
    h('h1', {}, t('내 지갑', 'My wallet')),
    engagementSection(),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'receive-h' },
      h('h2', { id: 'receive-h' }, t('증명서 받기', 'Receive a credential')),
      h(
        'p',
        { class: 'hint' },
        t('발급기관이 보여 준 QR을 스캔하거나 발급 링크를 붙여 넣으십시오.', 'Scan the QR the issuer shows you, or paste the offer link.'),
      ),
      scanButton(
        (text) => {
          state.offerLink = text;
          render(page.main);
        },
        (m) => page.announce(m, 'error'),
      ),
      field(t('발급 링크', 'Offer link'), offerInput),
      field(
        t('거래 코드 (발급기관이 알려 준 경우)', 'Transaction code (if the issuer gave you one)'),
        txInput,
        state.txCodeError
          ? { error: state.txCodeError }
          : { hint: t('문자 등 다른 경로로 받은 숫자입니다.', 'Digits sent to you another way, e.g. by text message.') },
      ),
      h('button', { type: 'button', class: 'primary', disabled: state.busy, on: { click: receive } }, t('받기', 'Receive')),
      errorText('receive'),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'present-h' },
      h('h2', { id: 'present-h' }, t('제출 요청에 응답', 'Answer a request')),
      h(
        'p',
        { class: 'hint' },
        t(
          '검증 창구의 QR을 스캔하거나 openid4vp:// 링크를 붙여 넣으십시오. 제출 전에 무엇을 보낼지 확인합니다.',
          'Scan the counter’s QR or paste the openid4vp:// link. You will see what is sent before anything is sent.',
        ),
      ),
      scanButton(
        (text) => {
          state.requestLink = text;
          render(page.main);
        },
        (m) => page.announce(m, 'error'),
      ),
      field(t('요청 링크', 'Request link'), requestInput),
      h('button', { type: 'button', class: 'primary', disabled: state.busy, on: { click: openRequest } }, t('요청 열기', 'Open request')),
      errorText('request'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'list-h' },
      h('h2', { id: 'list-h' }, t(`내 증명서 (${kept})`, `My credentials (${kept})`)),
      kept === 0
        ? h('p', { class: 'hint' }, t('아직 받은 증명서가 없습니다.', 'No credentials yet.'))
        : h('ul', { class: 'cards' }, byName(state.held, typeName).map(cardItem), state.unreadable.map(unreadableItem)),
      errorText('unreadable'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'history-h' },
      h('h2', { id: 'history-h' }, t('제출 기록', 'Submission history')),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          disabled: state.busy || state.held.length === 0,
          on: {
            click: () =>
              act('history', async () => {
                state.history = mergeHistory(await loadHistory(state.held.map((x) => x.stored)), readDeclined());
                state.view = { name: 'history' };
              }),
          },
        },
        t('기록 보기', 'Show history'),
      ),
      errorText('history'),
    ),
  ];
}

function cardItem(held: Held): HTMLElement {
  const expired = held.stored.expires_at !== null && Date.parse(held.stored.expires_at) < Date.now();
  const ok = held.status === 'valid';
  return h(
    'li',
    { class: `vc ${ok ? 'ok' : held.status === 'unknown' ? '' : 'bad'}`, 'data-status': held.status },
    h('h3', { id: `vc-${held.stored.id}` }, typeName(held)),
    h('p', { class: `card-status ${ok ? 'ok' : 'bad'}` }, tx(STATUS_WORDS[held.status])),
    ok || held.status === 'unknown'
      ? null
      : h(
          'p',
          { class: 'hint' },
          t('이 증명서는 제출할 수 없습니다. 발급기관에 문의하십시오.', 'This credential cannot be presented. Contact the issuer.'),
        ),
    rows([
      [t('발급기관', 'Issuer'), issuerText(held.type, held.stored.issuer, true)],
      [
        t('유효기간', 'Valid until'),
        expired
          ? h('span', { class: 'bad' }, `${formatDate(held.stored.expires_at)} ${t('(만료)', '(expired)')}`)
          : formatDate(held.stored.expires_at),
      ],
    ]),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-describedby': `vc-${held.stored.id}`,
        on: { click: () => go({ name: 'credential', id: held.stored.id }) },
      },
      held.stored.format === MSO_MDOC ? t('열기', 'Open') : t('열기 · 카운터 QR', 'Open · counter QR'),
    ),
  );
}

/**
 * A card the wallet cannot read: what it is (when the catalogue knows its type), that it cannot be
 * read and why, and a button that deletes it (the same as the one inside a card). Nothing opens it.
 */
function unreadableItem(u: Unreadable): HTMLElement {
  const id = `vc-unreadable-${String(u.stored.id)}`;
  let type: CredentialTypeView | undefined;
  try {
    type = typeOf(u.stored);
  } catch {
    type = undefined; // a vct no URL can be made of: the card is named by what it is instead
  }
  const why = u.error instanceof Error ? u.error.message : '';
  return h(
    'li',
    { class: 'vc bad unreadable', 'data-status': 'unreadable' },
    h('h3', { id }, type ? tx(type.name) : t('알 수 없는 증명서', 'Unknown credential')),
    h('p', { class: 'card-status bad' }, t('읽을 수 없음', 'cannot be read')),
    h(
      'p',
      { class: 'hint unreadable-why' },
      // The decoder's own Korean sentence says what is wrong; a message without one gets the general one.
      HANGUL.test(why)
        ? why
        : t(
            '이 증명서는 지갑이 읽을 수 없는 형식으로 저장되어 있습니다. 발급기관에 문의하십시오.',
            `This credential cannot be read${why ? ` (${why})` : ''}.`,
          ),
    ),
    h(
      'p',
      { class: 'hint' },
      t(
        '읽을 수 없는 증명서는 보여 주거나 제출할 수 없습니다. 지운 뒤 발급기관에 다시 발급을 요청하십시오.',
        'A credential the wallet cannot read can be neither shown nor presented. Delete it, and ask the issuer to issue it again.',
      ),
    ),
    rows([
      [t('발급기관', 'Issuer'), issuerText(type, u.stored.issuer, false)],
      [t('받은 날', 'Received'), storedDate(u.stored.received_at, true)],
    ]),
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        'aria-describedby': id,
        disabled: state.busy,
        on: { click: () => removeCard(u.stored, 'unreadable') },
      },
      t('이 증명서 지우기', 'Delete this credential'),
    ),
  );
}

/** Deletes a kept card and the key bound to it (each card has its own), then shows the wallet. */
const removeCard = (stored: StoredCredential, where: string) =>
  act(where, async () => {
    await deleteCredential(stored.id);
    // A card put into storage by other means may name no key: there is none to delete then.
    if (typeof (stored.key as unknown) === 'string') await deleteKey(stored.key);
    await reload();
    state.view = { name: 'home' };
    page.announce(t('증명서를 지웠습니다.', 'Credential deleted.'), 'ok');
  });

// ---- one credential: claims, what to disclose, counter QR --------------------------------

function credentialView(id: string): HTMLElement[] {
  const held = state.held.find((x) => x.stored.id === id);
  if (!held) return [h('p', {}, t('증명서를 찾을 수 없습니다.', 'Credential not found.')), backButton()];
  const chosen = state.disclose.get(id) ?? new Set<string>();
  state.disclose.set(id, chosen);
  // An mdoc is presented over OpenID4VP only (its DeviceSignature covers the request's
  // SessionTranscript, which a counter QR cannot carry): it shows its elements, without a QR.
  const mdoc = isMdoc(held.decoded);
  const claimRows = inDisplayOrder(held.type, holderClaims(held.decoded)).map(([name, value]) => {
    const sd = disclosable(held.decoded, name);
    const box = h('input', {
      type: 'checkbox',
      id: `d-${name}`,
      checked: !sd || chosen.has(name),
      disabled: !sd,
      on: {
        change: (e) => {
          if ((e.target as HTMLInputElement).checked) chosen.add(name);
          else chosen.delete(name);
        },
      },
    });
    const portrait = name === 'portrait' ? portraitUrl(value) : null;
    return h(
      'tr',
      {},
      h('td', {}, mdoc ? null : box),
      h('th', { scope: 'row' }, h('label', { for: box.id }, claimLabel(held.type, name))),
      h(
        'td',
        {},
        portrait ? h('img', { src: portrait, alt: t('사진', 'Portrait'), class: 'portrait' }) : valueText(held.type, name, value),
        sd ? null : h('span', { class: 'tag' }, t('항상 공개', 'always shown')),
      ),
    );
  });
  const makeQr = () =>
    act('qr', async () => {
      const key = await getKey(held.stored.key);
      if (!key) throw new Error(t('이 증명서의 키가 지갑에 없습니다.', 'The key of this credential is missing.'));
      // Counter QR: bound to the counter's challenge (its verifier client's aud and a nonce issued to it), accepted once there.
      const challenge = parseCounterChallenge(state.challengeText);
      if (!challenge)
        throw new Error(t('먼저 창구 화면의 창구 코드를 스캔하십시오.', 'First scan the counter code on the clerk’s screen.'));
      if (isMdoc(held.decoded)) return;
      const text = await createPresentation(
        held.decoded,
        [...chosen].map((name) => [name]),
        key.privateKey,
        challenge.aud,
        challenge.nonce,
      );
      state.counter = {
        credId: id,
        text,
        canvas: await qrCanvas(text, t('카운터 QR: 창구 직원에게 보여 주십시오', 'Counter QR: show it to the clerk'), 'L'),
        at: Date.now(),
      };
    });
  const remove = () => removeCard(held.stored, 'qr');
  const counter = state.counter?.credId === id ? state.counter : null;
  return [
    backButton(),
    h('h1', {}, typeName(held)),
    rows([
      [t('발급기관', 'Issuer'), issuerText(held.type, held.stored.issuer, false)],
      [t('받은 날', 'Received'), storedDate(held.stored.received_at, true)],
      [t('유효기간', 'Valid until'), formatDate(held.stored.expires_at)],
    ]),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'claims-h' },
      h(
        'h2',
        { id: 'claims-h' },
        mdoc ? t('담긴 항목', 'What it holds') : t('담긴 항목과 공개할 항목', 'What it holds, and what to disclose'),
      ),
      h(
        'p',
        { class: 'hint' },
        mdoc
          ? t(
              '이 증명서는 ISO 규격 모바일 신분증이므로 검증기관의 제출 요청에 응답할 때만 제출합니다. 요청마다 보낼 항목을 확인하고 고릅니다.',
              'This mdoc is presented only in answer to a request; you see and choose the items each time.',
            )
          : t(
              '카운터 QR에 넣을 항목을 고르십시오. 고르지 않은 항목은 보내지 않습니다.',
              'Tick what the counter QR should carry. Unticked items are not sent.',
            ),
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'claims' },
          h('caption', { class: 'visually-hidden' }, t('증명서 항목', 'Credential items')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, t('공개', 'Disclose')),
              h('th', { scope: 'col' }, t('항목', 'Item')),
              h('th', { scope: 'col' }, t('값', 'Value')),
            ),
          ),
          h('tbody', {}, claimRows),
        ),
      ),
      ...(mdoc
        ? []
        : [
            scanButton(
              (text) => {
                state.challengeText = text;
                void makeQr();
              },
              (m) => page.announce(m, 'error'),
            ),
            field(
              t('창구 코드', 'Counter code'),
              h('input', {
                type: 'text',
                class: 'mono',
                spellcheck: 'false',
                value: state.challengeText,
                on: { input: (e) => (state.challengeText = (e.target as HTMLInputElement).value) },
              }),
              {
                hint: t(
                  '창구 화면의 코드를 스캔하거나 붙여 넣으십시오. QR은 그 창구에서 한 번만 쓰입니다.',
                  'Scan or paste the code on the clerk’s screen. The QR works once, at that counter only.',
                ),
              },
            ),
          ]),
      h(
        'div',
        { class: 'actions' },
        mdoc
          ? null
          : h(
              'button',
              { type: 'button', class: 'primary', disabled: state.busy, on: { click: makeQr } },
              t('카운터 QR 만들기', 'Make counter QR'),
            ),
        h(
          'button',
          { type: 'button', class: 'danger', disabled: state.busy, on: { click: remove } },
          t('이 증명서 지우기', 'Delete this credential'),
        ),
      ),
      errorText('qr'),
    ),
    counter
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'qr-h' },
          h('h2', { id: 'qr-h' }, t('카운터 QR', 'Counter QR')),
          counter.canvas ??
            h(
              'p',
              { class: 'callout error' },
              t(
                '고른 항목이 너무 많아 QR에 들어가지 않습니다. 항목을 줄이거나 첫 화면의 ‘창구에서 보여 주기’(작은 QR)를 이용하십시오.',
                'Too much for a QR. Disclose fewer items, or use “Show at a counter” (a small QR) on the home screen.',
              ),
            ),
          h(
            'p',
            { class: 'hint' },
            t(
              `화면을 밝게 하고 창구 직원에게 보여 주십시오. 이 QR은 한 번만, 약 2분 동안 쓸 수 있습니다.`,
              `Turn the brightness up and show it to the clerk. It works once, for about 2 minutes (${counter.text.length} bytes).`,
            ),
          ),
          h(
            'details',
            {},
            h('summary', {}, t('QR 내용 (복사해서 붙여 넣기)', 'QR content (copy and paste)')),
            h('textarea', {
              readonly: true,
              rows: 4,
              class: 'mono',
              'aria-label': t('카운터 제시 내용', 'Counter presentation'),
              value: counter.text,
            }),
          ),
        )
      : null,
  ].filter((x): x is HTMLElement => x !== null);
}

function backButton(): HTMLElement {
  return h('button', { type: 'button', class: 'link', on: { click: () => go({ name: 'home' }) } }, `← ${t('지갑으로', 'Back to wallet')}`);
}

// ---- consent ------------------------------------------------------------------------------

function consentView(v: Extract<View, { name: 'consent' }>): HTMLElement[] {
  const r = v.request;
  const missing = r.queries.filter((q) => !v.picks[q.id]);
  const blocks = r.queries.map((q) => {
    const pick = v.picks[q.id];
    const candidates = candidatesFor(q, presentable());
    if (!pick) {
      // Held but not presentable (revoked, suspended, expired): say which, and why it is not offered.
      const blocked = candidatesFor(q, state.held)[0];
      return h(
        'div',
        { class: 'callout error', role: 'alert' },
        blocked
          ? t(
              `${withParticle(typeName(blocked), '은/는')} ${STATUS_WORDS[blocked.status].ko} 상태라서 제출할 수 없습니다. 거절을 누르십시오.`,
              `${typeName(blocked)} is ${STATUS_WORDS[blocked.status].en}, so it cannot be presented. Press Decline.`,
            )
          : t('요청한 증명서가 지갑에 없습니다.', 'The wallet has no credential of the kind asked for.'),
      );
    }
    const held = state.held.find((x) => x.stored.id === pick.credId)!;
    const choose = (id: string) => {
      const next = state.held.find((x) => x.stored.id === id)!;
      v.picks[q.id] = { credId: id, paths: new Set((claimsToOffer(q, next.decoded) ?? []).map(toClaimPathName)) };
      render(page.main);
    };
    const select =
      candidates.length > 1
        ? field(
            t('제출할 증명서', 'Credential to present'),
            h(
              'select',
              { on: { change: (e) => choose((e.target as HTMLSelectElement).value) } },
              candidates.map((c) =>
                h(
                  'option',
                  { value: c.stored.id, selected: c.stored.id === pick.credId },
                  `${typeName(c)} · ${storedDate(c.stored.received_at)}`,
                ),
              ),
            ),
          )
        : null;
    const offered = claimsToOffer(q, held.decoded) ?? [];
    const items =
      offered.length === 0
        ? [h('li', {}, t('항목 없이 증명서가 유효한지만 확인합니다.', 'No items: only that the credential is valid.'))]
        : offered.map((pointer) => {
            const p = toClaimPathName(pointer);
            const label = claimNameOf(held.decoded, pointer);
            const box = h('input', {
              type: 'checkbox',
              id: `c-${q.id}-${p}`,
              checked: pick.paths.has(p),
              on: {
                change: (e) => {
                  if ((e.target as HTMLInputElement).checked) pick.paths.add(p);
                  else pick.paths.delete(p);
                },
              },
            });
            const value = valueAtPointer(held.decoded, pointer);
            const portrait = label === 'portrait' ? portraitUrl(value) : null;
            return h(
              'li',
              { class: 'check' },
              box,
              h(
                'label',
                { for: box.id },
                h('strong', {}, claimLabel(held.type, label)),
                ' ',
                portrait
                  ? h('img', { src: portrait, alt: t('사진', 'Portrait'), class: 'portrait small' })
                  : h('span', {}, value === undefined ? t('(없음)', '(not held)') : valueText(held.type, label, value)),
              ),
            );
          });
    return h('div', { class: 'consent-cred' }, h('h3', {}, typeName(held)), select, h('ul', { class: 'plain' }, items));
  });
  const approve = () =>
    act('consent', async () => {
      const answers: Answer[] = r.queries
        .filter((q) => v.picks[q.id])
        .map((q) => {
          const pick = v.picks[q.id]!;
          const held = state.held.find((x) => x.stored.id === pick.credId)!;
          const pointers = (claimsToOffer(q, held.decoded) ?? []).filter((p) => pick.paths.has(toClaimPathName(p)));
          return { query: q, credential: held.stored, decoded: held.decoded, pointers };
        });
      if (v.dcApi) {
        v.dcApi.resolve(await dcApiResponseData(r, answers));
        state.view = { name: 'answered', request: r, status: undefined, declined: false, result: undefined };
        return;
      }
      const { status, redirectUri } = await answerRequest(r, answers);
      // Same device: the verifier's page takes over in this browser, with its response_code.
      const back = verifierReturn(redirectUri);
      if (back) return location.assign(back);
      state.view = { name: 'answered', request: r, status, declined: false, result: await readHolderResult(redirectUri) };
    });
  const decline = () =>
    act('consent', async () => {
      // A.4: over the Digital Credentials API the refusal goes back to the calling page.
      if (v.dcApi) v.dcApi.resolve({ error: 'access_denied' });
      else await declineRequest(r);
      recordDeclined({
        verifier: { client_id: r.clientId, ...(r.verifierName ? { name: r.verifierName } : {}) },
        purpose: r.purpose ?? null,
        reason: declineReason(r, v.picks),
      });
      state.view = { name: 'answered', request: r, status: undefined, declined: true, result: undefined };
    });
  return [
    // Leaving without answering: a redirect request simply expires; a DC API caller gets access_denied (go()).
    backButton(),
    h('h1', {}, t('제출 동의', 'Consent to present')),
    h(
      'section',
      { class: 'card consent', 'aria-labelledby': 'who-h' },
      h('h2', { id: 'who-h' }, t('누가, 왜 요청합니까', 'Who asks, and why')),
      rows([
        [
          t('검증기관', 'Verifier'),
          h(
            'span',
            {},
            // The verifier's registered logo (https; CSP img-src https:), no referrer (page policy).
            r.verifierLogo
              ? h('img', { src: r.verifierLogo, alt: '', class: 'verifier-logo', id: 'verifier-logo', width: '32', height: '32' })
              : null,
            h('strong', {}, r.verifierName ?? t('(이름 없음)', '(no name)')),
          ),
        ],
        [t('목적', 'Purpose'), r.purpose ? tx(r.purpose) : t('(밝히지 않음)', '(not stated)')],
        [t('식별자', 'Identifier'), h('span', { class: 'mono' }, r.clientId ?? '-')],
        ...(r.origin !== undefined
          ? [[t('요청한 웹사이트', 'Website asking'), h('span', { class: 'mono' }, r.origin)] as [string, Child]]
          : []),
        ...(r.certificate
          ? ([
              [t('인증서 주체', 'Certificate subject'), h('span', { class: 'mono', id: 'verifier-subject' }, r.certificate.subject)],
              [
                t('인증서 도메인', 'Certificate domain'),
                h('span', { class: 'mono', id: 'verifier-san' }, r.certificate.dnsNames.join(', ') || '-'),
              ],
            ] as [string, Child][])
          : []),
        [t('요청 만료', 'Request expires'), r.expiresAt ? formatDate(r.expiresAt, true) : '-'],
      ]),
      h('p', { class: 'hint' }, signatureNote(r)),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'what-h' },
      h('h2', { id: 'what-h' }, t('보낼 항목', 'What will be sent')),
      ...blocks,
      missing.length
        ? h('p', { class: 'hint' }, t('맞는 증명서가 없으면 거절할 수 있습니다.', 'Without a matching credential you can decline.'))
        : null,
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'primary', disabled: state.busy || missing.length === r.queries.length, on: { click: approve } },
        t('동의하고 제출', 'Agree and present'),
      ),
      h('button', { type: 'button', class: 'secondary', disabled: state.busy, on: { click: decline } }, t('거절', 'Decline')),
    ),
    errorText('consent') as HTMLElement,
  ].filter((x): x is HTMLElement => x !== null);
}

/** How the wallet knows who asks: a published key (did:web), a certificate this wallet trusts, or only the browser's word. */
function signatureNote(r: VerifierRequest): string {
  if (r.certificate)
    return t(
      '요청 서명을 이 지갑이 신뢰하는 인증기관이 발급한 검증기관 인증서로 확인했습니다.',
      'The request’s signature was checked with the verifier’s certificate, issued by an authority this wallet trusts.',
    );
  if (r.clientId === undefined)
    return t(
      '서명 없는 요청입니다. 요청한 웹사이트는 브라우저가 알려 준 것이며, 답은 그 웹사이트에만 쓸 수 있습니다.',
      'An unsigned request. The website asking is the one the browser named; the answer is good for that website only.',
    );
  return t('요청 서명을 검증기관의 공개 키로 확인했습니다.', 'The request’s signature was checked against the verifier’s published key.');
}

/** Why nothing was presented: the status of a held card that could not be offered, or the holder's choice. */
function declineReason(r: VerifierRequest, picks: Record<string, unknown>): DeclinedAttempt['reason'] {
  for (const q of r.queries) {
    if (picks[q.id]) continue;
    const blocked = candidatesFor(q, state.held)[0];
    if (!blocked) return 'no_credential';
    if (blocked.status === 'revoked' || blocked.status === 'suspended' || blocked.status === 'expired') return blocked.status;
  }
  return 'declined';
}

const DECLINE_WORDS: Record<DeclinedAttempt['reason'], { ko: string; en: string }> = {
  revoked: { ko: `${CREDENTIAL_STATUS.revoked.ko}된 증명서라서 제출하지 않음`, en: 'Not presented: the credential is revoked' },
  suspended: { ko: `${CREDENTIAL_STATUS.suspended.ko}된 증명서라서 제출하지 않음`, en: 'Not presented: the credential is suspended' },
  expired: { ko: '유효기간이 지난 증명서라서 제출하지 않음', en: 'Not presented: the credential has expired' },
  no_credential: { ko: '맞는 증명서가 없어 제출하지 않음', en: 'Not presented: no matching credential' },
  declined: { ko: '제출하지 않기로 함', en: 'Not presented: you declined' },
};

/** What the pointer selects in the held claims (OpenID4VP §7.1.1): one value, a list, or undefined. */
function valueAtPointer(d: Decoded, pointer: ClaimPathPointer): unknown {
  const r = processClaimPath(d.claims, pointer);
  if (!r.ok) return undefined;
  return r.selected.length === 1 ? r.selected[0] : r.selected;
}

function answeredView(v: Extract<View, { name: 'answered' }>): HTMLElement[] {
  const ok = v.status === 'verified';
  if (v.result) {
    // The verdict and its reason in words, from the redirect_uri the Response URI answered.
    const good = v.result.verdict === 'verified';
    const name = v.request.verifierName ?? '검증기관';
    return [
      h('h1', {}, t('제출했습니다', 'Presented')),
      h(
        'section',
        { id: 'holder-verdict', class: `verdict ${good ? 'ok' : 'bad'}`, role: 'status', 'aria-labelledby': 'holder-verdict-h' },
        h('p', { class: 'verdict-mark', 'aria-hidden': 'true' }, good ? '✓' : '✕'),
        h(
          'h2',
          { id: 'holder-verdict-h' },
          good
            ? t(`${withParticle(name, '이/가')} 확인했습니다.`, `${v.request.verifierName ?? 'The verifier'} accepted it.`)
            : t(`${withParticle(name, '이/가')} 받지 않았습니다.`, `${v.request.verifierName ?? 'The verifier'} did not accept it.`),
        ),
        h('p', { class: 'verdict-message' }, tx(v.result.message)),
      ),
      backButton(),
    ];
  }
  const viaBrowser = v.request.origin !== undefined;
  return [
    h('h1', {}, v.declined ? t('거절했습니다', 'Declined') : t('제출했습니다', 'Presented')),
    h(
      'p',
      { class: `callout ${v.declined || viaBrowser ? 'info' : ok ? 'ok' : 'error'}`, role: 'status' },
      v.declined
        ? t('아무 항목도 보내지 않았습니다.', 'Nothing was sent.')
        : viaBrowser
          ? t(
              '요청한 웹사이트에 보냈습니다. 결과는 그 화면에서 확인하십시오.',
              'Sent to the website that asked. See the result on its screen.',
            )
          : ok
            ? t(
                `${withParticle(v.request.verifierName ?? '검증기관', '이/가')} 확인했습니다.`,
                `${v.request.verifierName ?? 'The verifier'} accepted it.`,
              )
            : t(
                `${withParticle(v.request.verifierName ?? '검증기관', '이/가')} 받지 않았습니다. 창구 화면의 사유를 확인하십시오.`,
                `${v.request.verifierName ?? 'The verifier'} did not accept it. See the reason on the counter’s screen.`,
              ),
    ),
    backButton(),
  ];
}

// ---- history -------------------------------------------------------------------------------

/** A rejection in words (the holder's sentence for its code), never the bare code. */
const rejectedText = (code: string): string => `${t('거절됨', 'Rejected')}: ${tx(holderMessage(code))}`;

function historyView(): HTMLElement[] {
  const items = state.history ?? [];
  return [
    backButton(),
    h('h1', {}, t('제출 기록', 'Submission history')),
    h(
      'p',
      { class: 'hint' },
      t(
        '이 지갑의 키로 한 제출입니다. 검증기관은 항목 이름만 기록하고 값은 남기지 않습니다.',
        'Presentations made with this wallet’s keys. Verifiers keep the names of the items, never their values.',
      ),
    ),
    items.length === 0
      ? h('p', {}, t('기록이 없습니다.', 'No presentations yet.'))
      : h(
          'ul',
          { class: 'cards' },
          items.map((r) => {
            if (isDeclined(r))
              return h(
                'li',
                { class: 'vc bad' },
                h('h3', {}, r.verifier.name ?? r.verifier.client_id ?? '-'),
                rows([
                  [t('일시', 'When'), formatDate(r.at, true)],
                  [t('목적', 'Purpose'), r.purpose ? tx(r.purpose as { ko: string; en: string }) : '-'],
                  [t('보낸 항목', 'Items sent'), t('없음', 'none')],
                  [t('결과', 'Result'), tx(DECLINE_WORDS[r.reason])],
                ]),
              );
            const ty = state.types.find((x) => x.id === r.credential_type);
            return h(
              'li',
              { class: `vc ${r.verdict === 'verified' ? 'ok' : 'bad'}` },
              h('h3', {}, r.verifier.name ?? r.verifier.client_id ?? '-'),
              rows([
                [t('일시', 'When'), formatDate(r.at, true)],
                [t('목적', 'Purpose'), r.purpose ? tx(r.purpose as { ko: string; en: string }) : '-'],
                [t('증명서', 'Credential'), ty ? tx(ty.name) : (r.credential_type ?? '-')],
                [t('보낸 항목', 'Items sent'), r.claims.length ? r.claims.map((c) => claimLabel(ty, c)).join(', ') : t('없음', 'none')],
                [
                  t('방법', 'Channel'),
                  r.channel === 'counter' ? t('카운터 QR', 'Counter QR') : t('온라인 (OpenID4VP)', 'Online (OpenID4VP)'),
                ],
                [t('결과', 'Result'), r.verdict === 'verified' ? t('확인됨', 'Verified') : rejectedText(r.code)],
              ]),
            );
          }),
        ),
  ];
}
