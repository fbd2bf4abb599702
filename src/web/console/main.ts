/**
 * /console — for agencies (issuer key) and operators (admin key): issue an offer from a form
 * generated from the type's JSON Schema, show its QR and tx_code; list issued credentials
 * (metadata only) and suspend / reinstate / revoke them; show signing keys and their states.
 */
import { ApiError, callApi, describeError, signInAs } from '../shared/api.js';
import { claimHint, claimLabel, loadTypes, type CredentialTypeView } from '../shared/catalog.js';
import { append, field, h, rows, withCode } from '../shared/dom.js';
import { formatDate, t, tx } from '../shared/i18n.js';
import { startPage } from '../shared/page.js';
import { qrCanvas } from '../shared/qr.js';
import { schemaForm, validate, type Draft, type Errors } from './schema-form.js';
import { CREDENTIAL_STATUS, keyStateTerm, STATUS_ACT, WALLET_EVENT } from '../../verdict/glossary.js';
import { byName } from '../shared/sort.js';

interface CredentialRecord {
  id: string;
  type: string;
  format: string;
  status: 'valid' | 'suspended' | 'revoked';
  issued_at: string;
  expires_at: string;
  status_changed_at: string | null;
  client_id: string;
  /** What the wallet reported at the notification endpoint (OpenID4VCI §11), if anything. */
  wallet_event?: { event: keyof typeof WALLET_EVENT; at: string } | null;
}
interface SigningKey {
  kid: string;
  alg: string;
  state: string;
  created_at: string;
  activated_at: string | null;
  retiring_at: string | null;
  retired_at: string | null;
}
interface OfferCreated {
  id: string;
  offer: string;
  tx_code?: string;
  expires_at: string;
}
type Role = 'issuer' | 'admin';
type Action = 'suspend' | 'reinstate' | 'revoke';

const KEY = 'dproof.console.apiKey';
const state = {
  apiKey: sessionStorage.getItem(KEY) ?? '',
  keyDraft: '',
  role: null as Role | null,
  types: [] as CredentialTypeView[],
  typeId: '',
  format: 'dc+sd-jwt',
  txCode: true,
  draft: {} as Draft,
  formErrors: new Map() as Errors,
  offer: null as (OfferCreated & { canvas: HTMLCanvasElement | null }) | null,
  /** The offer's transaction code is shown only when the operator asks. */
  showTxCode: false,
  credentials: [] as CredentialRecord[],
  /** The list was read since the last attempt: only then does an empty list mean "none yet". */
  credentialsLoaded: false,
  keys: [] as SigningKey[],
  reason: '',
  confirmRevoke: '',
  busy: false,
  errors: {} as Record<string, string>,
};

const page = startPage('console', render, async () => {
  state.types = await loadTypes();
});
const typeOf = (id: string) => state.types.find((ty) => ty.id === id);

async function act(where: string, fn: () => Promise<void>): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  state.errors = {};
  render(page.main);
  try {
    await fn();
  } catch (err) {
    if (
      err instanceof ApiError &&
      (err.code === 'invalid_api_key' || err.code === 'revoked_api_key' || err.code === 'malformed_authorization')
    ) {
      sessionStorage.removeItem(KEY);
      state.apiKey = '';
      state.role = null;
      where = 'login';
    }
    state.errors[where] = describeError(err);
  } finally {
    state.busy = false;
    render(page.main);
  }
}

/** Which role the key has (the credential list is for issuers and admins, the key list for admins only). */
async function signIn(key: string): Promise<void> {
  const role = await signInAs(key, ['issuer', 'admin']);
  state.apiKey = key;
  state.role = role;
  sessionStorage.setItem(KEY, key);
  await refresh();
}

async function refresh(): Promise<void> {
  state.credentialsLoaded = false;
  state.credentials = (await callApi<{ items: CredentialRecord[] }>('/v1/credentials?limit=50', { bearer: state.apiKey })).items;
  state.credentialsLoaded = true;
  if (state.role === 'admin') state.keys = await callApi<SigningKey[]>('/v1/admin/keys', { bearer: state.apiKey });
}

function render(main: HTMLElement): void {
  main.replaceChildren(h('h1', {}, t('발급·운영 콘솔', 'Operator console')));
  if (!state.role) return void main.append(loginView());
  main.append(
    h(
      'div',
      { class: 'row between' },
      h(
        'p',
        {},
        state.role === 'admin'
          ? t('운영자(admin) 키로 접속했습니다.', 'Signed in with an admin key.')
          : t('발급기관(issuer) 키로 접속했습니다.', 'Signed in with an issuer key.'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          on: {
            click: () => {
              sessionStorage.removeItem(KEY);
              state.apiKey = '';
              state.role = null;
              state.offer = null;
              render(main);
            },
          },
        },
        t('나가기', 'Sign out'),
      ),
    ),
  );
  if (state.role === 'issuer') main.append(offerSection());
  main.append(credentialsSection());
  if (state.role === 'admin') main.append(keysSection());
}

function loginView(): HTMLElement {
  const input = h('input', {
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    value: state.keyDraft,
    on: { input: (e) => (state.keyDraft = (e.target as HTMLInputElement).value.trim()) },
  });
  return h(
    'form',
    {
      class: 'card',
      on: {
        submit: (e) => {
          e.preventDefault();
          void act('login', () => signIn(state.keyDraft));
        },
      },
    },
    h('h2', {}, t('API 키', 'API key')),
    field(t('발급기관(issuer) 또는 운영자(admin) API 키', 'Issuer or admin API key'), input, {
      hint: t(
        '이 탭을 닫을 때까지만 기억합니다. `npx dproof clients create --role issuer --name "…"`로 만듭니다.',
        'Kept until this tab is closed. Make one with `npx dproof clients create --role issuer --name "…"`.',
      ),
      ...(state.errors.login && { error: state.errors.login }),
    }),
    h('button', { type: 'submit', class: 'primary', disabled: state.busy }, t('접속', 'Sign in')),
  );
}

// ---- offers -------------------------------------------------------------------------------

function offerSection(): HTMLElement {
  const ty = typeOf(state.typeId);
  const typeSelect = h(
    'select',
    {
      on: {
        change: (e) => {
          state.typeId = (e.target as HTMLSelectElement).value;
          state.draft = {};
          state.formErrors = new Map();
          state.offer = null;
          render(page.main);
        },
      },
    },
    h('option', { value: '' }, t('선택…', 'Choose…')),
    byName(state.types, (x) => tx(x.name)).map((x) => h('option', { value: x.id, selected: x.id === state.typeId }, tx(x.name))),
  );
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'offer-h' },
    h('h2', { id: 'offer-h' }, t('발급 제안 만들기 (OpenID4VCI)', 'Make a credential offer (OpenID4VCI)')),
    field(t('증명서 종류', 'Credential type'), typeSelect),
  );
  if (!ty) return section;
  const formats = ty.formats.filter((f) => f === 'dc+sd-jwt' || f === 'vc+jwt');
  const submit = () =>
    act('offer', async () => {
      state.formErrors = validate(ty.claims_schema, state.draft, (path, english) => claimHint(ty, path, english));
      if (state.formErrors.size > 0)
        throw new Error(t(`입력한 항목 ${state.formErrors.size}개를 고치십시오.`, `Fix ${state.formErrors.size} field(s).`));
      try {
        const created = await callApi<OfferCreated>('/v1/offers', {
          json: { type: ty.id, claims: state.draft, format: state.format, tx_code: state.txCode },
          bearer: state.apiKey,
        });
        state.showTxCode = false;
        state.offer = {
          ...created,
          canvas: await qrCanvas(created.offer, t('발급 QR: 지갑으로 스캔', 'Offer QR: scan with the wallet'), 'M'),
        };
        state.formErrors = new Map();
        page.announce(t('발급 제안을 만들었습니다.', 'Offer created.'), 'ok');
      } catch (err) {
        if (err instanceof ApiError && err.code === 'invalid_claims') {
          const list = (err.body as { errors?: { pointer: string; message: string }[] }).errors ?? [];
          state.formErrors = new Map(list.map((x) => [x.pointer.replace(/^\/claims/, ''), x.message]));
        }
        throw err;
      }
    });
  append(section, [
    // The QR goes where the operator looks after creating it: above the form, not under it.
    state.offer ? offerResult(state.offer) : null,
    ty.description ? h('p', { class: 'hint' }, tx(ty.description)) : null,
    h(
      'div',
      { class: 'row' },
      formats.length > 1
        ? field(
            t('형식', 'Format'),
            h(
              'select',
              { on: { change: (e) => (state.format = (e.target as HTMLSelectElement).value) } },
              formats.map((f) => h('option', { value: f, selected: f === state.format }, f)),
            ),
          )
        : h('span'),
      h(
        'div',
        { class: 'field check' },
        h('input', {
          type: 'checkbox',
          id: 'tx-code',
          checked: state.txCode,
          on: { change: (e) => (state.txCode = (e.target as HTMLInputElement).checked) },
        }),
        h('label', { for: 'tx-code' }, t('거래 코드(PIN) 요구', 'Require a transaction code (PIN)')),
      ),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        on: {
          click: () => {
            state.draft = structuredClone(ty.example ?? {}) as Draft;
            state.formErrors = new Map();
            render(page.main);
          },
        },
      },
      t('예시 값으로 채우기', 'Fill with the example'),
    ),
    h(
      'form',
      {
        novalidate: true,
        on: {
          submit: (e) => {
            e.preventDefault();
            void submit().then(afterSubmit);
          },
        },
      },
      schemaForm(
        ty.claims_schema,
        state.draft,
        state.formErrors,
        (path) => claimLabel(ty, path),
        (path, english) => claimHint(ty, path, english),
      ),
      state.errors.offer ? h('p', { class: 'callout error', role: 'alert' }, state.errors.offer) : null,
      h('button', { type: 'submit', class: 'primary', disabled: state.busy }, t('발급 제안 만들기', 'Create offer')),
    ),
  ]);
  return section;
}

/**
 * The offer just made: its QR to show the citizen, and the transaction code apart from it, hidden
 * until the operator asks (one photo of the screen must not capture both).
 */
function offerResult(o: OfferCreated & { canvas: HTMLCanvasElement | null }): HTMLElement {
  const txBox = o.tx_code
    ? h(
        'div',
        { class: 'tx-code-box callout' },
        state.showTxCode
          ? [
              rows([[t('거래 코드', 'Transaction code'), h('strong', { class: 'tx-code', id: 'tx-code-value' }, o.tx_code)]]),
              h(
                'button',
                { type: 'button', class: 'link', on: { click: () => ((state.showTxCode = false), render(page.main)) } },
                t('거래 코드 가리기', 'Hide the transaction code'),
              ),
            ]
          : h(
              'button',
              { type: 'button', class: 'secondary', on: { click: () => ((state.showTxCode = true), render(page.main)) } },
              t('거래 코드 보기', 'Show the transaction code'),
            ),
        h(
          'p',
          { class: 'hint' },
          t(
            '거래 코드는 QR과 다른 경로(문자, 창구 안내)로 알려 주십시오.',
            'Give the transaction code another way (text message, at the desk), not with the QR.',
          ),
        ),
      )
    : null;
  return h(
    'div',
    { class: 'qr-box', id: 'offer-result', tabindex: '-1' },
    h('h3', {}, t('시민에게 보여 줄 QR', 'QR for the citizen')),
    o.canvas,
    rows([
      [t('유효기간', 'Valid until'), formatDate(o.expires_at, true)],
      ...(o.tx_code ? [] : ([[t('거래 코드', 'Transaction code'), t('없음', 'none')]] as [string, string][])),
    ]),
    txBox,
    field(
      t('발급 링크 (같은 기기에서 열기)', 'Offer link (to open on the same device)'),
      h('input', { type: 'text', readonly: true, class: 'mono', id: 'offer-link', value: o.offer }),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        on: { click: () => ((state.offer = null), (state.showTxCode = false), render(page.main)) },
      },
      t('이 QR 닫기', 'Close this QR'),
    ),
  );
}

/** Takes the eye (and the keyboard) to what changed: the first field to fix, or the new QR. */
function afterSubmit(): void {
  const invalid = page.main.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (invalid) return invalid.focus();
  const result = document.getElementById('offer-result');
  result?.scrollIntoView({ block: 'start' });
  result?.focus();
}

// ---- issued credentials --------------------------------------------------------------------

function credentialsSection(): HTMLElement {
  const reason = h('input', {
    type: 'text',
    // The server takes 1 to 500 characters (change-credential-status).
    maxlength: 500,
    value: state.reason,
    on: { input: (e) => (state.reason = (e.target as HTMLInputElement).value) },
  });
  const change = (c: CredentialRecord, action: Action) =>
    act('credentials', async () => {
      if (!state.reason.trim()) throw new Error(t('상태를 바꾸는 사유를 입력하십시오.', 'Enter the reason for the change.'));
      if (action === 'revoke' && state.confirmRevoke !== c.id) {
        state.confirmRevoke = c.id;
        return;
      }
      state.confirmRevoke = '';
      await callApi(`/v1/credentials/${encodeURIComponent(c.id)}/${action}`, {
        json: { reason: state.reason.trim() },
        bearer: state.apiKey,
      });
      await refresh();
      page.announce(t('상태를 바꿨습니다.', 'Status changed.'), 'ok');
    });
  const actionButton = (c: CredentialRecord, action: Action, kind: 'secondary' | 'danger', label: string) =>
    h(
      'button',
      { type: 'button', class: kind, disabled: state.busy, 'aria-describedby': `cred-${c.id}`, on: { click: () => change(c, action) } },
      label,
    );
  const statusText = {
    valid: tx(CREDENTIAL_STATUS.valid),
    suspended: tx(CREDENTIAL_STATUS.suspended),
    revoked: tx(CREDENTIAL_STATUS.revoked),
  };
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'creds-h' },
    h(
      'div',
      { class: 'row between' },
      h('h2', { id: 'creds-h' }, t('발급한 증명서', 'Issued credentials')),
      h(
        'button',
        { type: 'button', class: 'secondary', disabled: state.busy, on: { click: () => act('credentials', refresh) } },
        t('새로 고침', 'Refresh'),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      t('등록부에는 메타데이터만 있습니다. 항목 값은 보관하지 않습니다.', 'The registry holds metadata only, never claim values.'),
    ),
    field(t('상태 변경 사유', 'Reason for a status change'), reason, {
      hint: t(
        `${STATUS_ACT.suspend.ko}, ${STATUS_ACT.reinstate.ko}, ${STATUS_ACT.revoke.ko} 때마다 감사 로그에 남습니다.`,
        'Recorded with every suspend, reinstate or revoke (audit log).',
      ),
    }),
    state.errors.credentials ? h('p', { class: 'callout error', role: 'alert' }, state.errors.credentials) : null,
    state.credentials.length === 0
      ? state.credentialsLoaded
        ? h('p', {}, t('아직 없습니다.', 'None yet.'))
        : null
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'cards-on-phone' },
            h('caption', { class: 'visually-hidden' }, t('발급한 증명서', 'Issued credentials')),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                credentialColumns().map((x) => h('th', { scope: 'col' }, x)),
              ),
            ),
            h(
              'tbody',
              {},
              state.credentials.map((c) => {
                const ty = typeOf(c.type);
                const [typeCol, idCol, statusCol, walletCol, issuedCol, expiresCol, actionsCol] = credentialColumns();
                return h(
                  'tr',
                  { 'data-id': c.id },
                  h('td', { 'data-label': typeCol }, ty ? tx(ty.name) : c.type),
                  h('td', { class: 'mono', id: `cred-${c.id}`, 'data-label': idCol }, c.id.slice(0, 8)),
                  h('td', { 'data-label': statusCol }, h('span', { class: `status ${c.status}` }, statusText[c.status] ?? c.status)),
                  h(
                    'td',
                    { class: 'wallet-event', 'data-label': walletCol },
                    c.wallet_event ? tx(WALLET_EVENT[c.wallet_event.event]) : '—',
                  ),
                  h('td', { 'data-label': issuedCol }, formatDate(c.issued_at, true)),
                  h('td', { 'data-label': expiresCol }, formatDate(c.expires_at)),
                  h(
                    'td',
                    { class: 'actions', 'data-label': actionsCol },
                    c.status === 'valid' ? actionButton(c, 'suspend', 'secondary', tx(STATUS_ACT.suspend)) : null,
                    c.status === 'suspended' ? actionButton(c, 'reinstate', 'secondary', tx(STATUS_ACT.reinstate)) : null,
                    c.status !== 'revoked'
                      ? actionButton(
                          c,
                          'revoke',
                          'danger',
                          state.confirmRevoke === c.id
                            ? t(`정말 ${STATUS_ACT.revoke.ko} (되돌릴 수 없음)`, 'Really revoke (final)')
                            : tx(STATUS_ACT.revoke),
                        )
                      : null,
                  ),
                );
              }),
            ),
          ),
        ),
  );
}

/** Column names, also each cell's label when the table is shown as cards on a phone. */
const credentialColumns = () => [
  t('종류', 'Type'),
  'ID',
  t('상태', 'Status'),
  // OpenID4VCI §11: what the wallet reported (stored, failed, deleted).
  t('지갑', 'Wallet'),
  t('발급', 'Issued'),
  t('만료', 'Expires'),
  t('작업', 'Actions'),
];
const keyColumns = () => [
  t('키 ID', 'Key ID'),
  t('알고리즘', 'Algorithm'),
  t('상태', 'State'),
  t('사용 시작', 'Activated'),
  t('교체 시작', 'Retiring since'),
  t('폐기', 'Retired'),
];

// ---- keys (admin) ---------------------------------------------------------------------------

function keysSection(): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'keys-h' },
    h('h2', { id: 'keys-h' }, t('서명 키', 'Signing keys')),
    h(
      'p',
      { class: 'hint' },
      withCode(t('키 교체와 폐기는 `npx dproof keys rotate|retire`로 합니다.', 'Rotate and retire with `npx dproof keys rotate|retire`.')),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'cards-on-phone' },
        h('caption', { class: 'visually-hidden' }, t('서명 키', 'Signing keys')),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            keyColumns().map((x) => h('th', { scope: 'col' }, x)),
          ),
        ),
        h(
          'tbody',
          {},
          state.keys.map((k) => {
            const [kid, alg, st, activated, retiring, retired] = keyColumns();
            return h(
              'tr',
              {},
              h('td', { class: 'mono', 'data-label': kid }, k.kid),
              h('td', { 'data-label': alg }, k.alg),
              h('td', { 'data-label': st }, h('span', { class: `status ${k.state}` }, tx(keyStateTerm(k.state)))),
              h('td', { 'data-label': activated }, formatDate(k.activated_at, true)),
              h('td', { 'data-label': retiring }, formatDate(k.retiring_at, true)),
              h('td', { 'data-label': retired }, formatDate(k.retired_at, true)),
            );
          }),
        ),
      ),
    ),
  );
}

// A key kept in this tab signs in again once the page is up.
void page.ready.then(() => (state.apiKey ? act('login', () => signIn(state.apiKey)) : undefined));
