/** The frame every page shares: skip link, header with the three pages and the language switch, main, live region. */
import { h, replace } from './dom.js';
import { currentLang, onLangChange, setLang, t, type Text } from './i18n.js';
import { describeError } from './api.js';

export type PageId = 'wallet' | 'verifier' | 'console';

const NAV: { id: PageId; name: Text }[] = [
  { id: 'wallet', name: { ko: '지갑', en: 'Wallet' } },
  { id: 'verifier', name: { ko: '검증 창구', en: 'Verifier counter' } },
  { id: 'console', name: { ko: '발급·운영 콘솔', en: 'Operator console' } },
];

export interface Page {
  main: HTMLElement;
  /** Says something to everyone, screen readers included (role=status). */
  announce(message: string, kind?: 'ok' | 'error' | 'info'): void;
  /** Settles once the first load is over and the content is on screen. */
  ready: Promise<void>;
}

/**
 * Draws the frame, and the content once `load` (the page's first data: catalogue, stored
 * credentials) has settled; until then a loading line. Drawing the content first and again when
 * the data arrived replaced the fields under a person typing: focus, and what they were typing
 * (an IME composition, a paste in progress), went with the old field.
 */
export function startPage(id: PageId, renderContent: (main: HTMLElement) => void, load: () => Promise<void> = async () => {}): Page {
  const root = document.getElementById('app');
  if (!root) throw new Error('no #app element');
  const main = h('main', { id: 'main', tabindex: '-1' });
  const status = h('div', { class: 'announce', role: 'status', 'aria-live': 'polite' });
  const draw = () => {
    const current = NAV.find((n) => n.id === id)!;
    document.documentElement.lang = currentLang();
    document.title = `${t(current.name.ko, current.name.en)} · digital-proof`;
    const other = currentLang() === 'ko' ? 'en' : 'ko';
    const header = h(
      'header',
      { class: 'top' },
      h('div', { class: 'brand' }, 'digital-proof'),
      h(
        'nav',
        { 'aria-label': t('페이지', 'Pages') },
        h(
          'ul',
          {},
          NAV.map((n) =>
            h('li', {}, h('a', { href: `/${n.id}`, ...(n.id === id && { 'aria-current': 'page' }) }, t(n.name.ko, n.name.en))),
          ),
        ),
      ),
      h(
        'button',
        { type: 'button', class: 'lang', lang: other, on: { click: () => setLang(other) } },
        other === 'en' ? 'English' : '한국어',
      ),
    );
    replace(root, h('a', { class: 'skip', href: '#main' }, t('본문으로 건너뛰기', 'Skip to content')), header, main, status);
    if (loaded) renderContent(main);
    else main.replaceChildren(h('p', { class: 'hint', 'aria-busy': 'true' }, t('불러오는 중…', 'Loading…')));
  };
  let loaded = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const page: Page = {
    main,
    announce(message, kind = 'info') {
      status.className = `announce ${kind}`;
      status.textContent = message;
      clearTimeout(timer);
      timer = setTimeout(() => {
        status.textContent = '';
        status.className = 'announce';
      }, 8000);
    },
    ready: new Promise<void>((resolve) => {
      // After the page module has finished its top-level code (its state and helpers exist).
      queueMicrotask(() => {
        draw();
        void load()
          .catch((err: unknown) => page.announce(describeError(err), 'error'))
          .finally(() => {
            loaded = true;
            renderContent(main);
            resolve();
          });
      });
    }),
  };
  onLangChange(draw);
  return page;
}

/** WebCrypto and IndexedDB need a secure context (https, or http://localhost). */
export function secureContextNotice(): HTMLElement | null {
  if (window.isSecureContext && globalThis.crypto?.subtle) return null;
  return h(
    'p',
    { class: 'callout error', role: 'alert' },
    t('이 페이지는 https 또는 localhost에서만 동작합니다 (WebCrypto).', 'This page works only over https or on localhost (WebCrypto).'),
  );
}
