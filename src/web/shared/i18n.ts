/** Korean first, English on request; the choice is kept in localStorage and on <html lang>. */
export type Lang = 'ko' | 'en';
export interface Text {
  ko: string;
  en: string;
}

const KEY = 'dproof.lang';
let lang: Lang = readStored();
const listeners: (() => void)[] = [];

function readStored(): Lang {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'ko';
  } catch {
    return 'ko';
  }
}

export const currentLang = (): Lang => lang;
/** The sentence in the current language. */
export const t = (ko: string, en: string): string => (lang === 'ko' ? ko : en);
/** A `{ ko, en }` object from the API (catalogue names, clerk messages, purposes). */
export const tx = (text: Partial<Text> | null | undefined): string =>
  (text && typeof text[lang] === 'string' ? text[lang] : typeof text?.ko === 'string' ? text.ko : '') ?? '';

export function setLang(next: Lang): void {
  lang = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = next;
  for (const fn of listeners) fn();
}

export const onLangChange = (fn: () => void): void => {
  listeners.push(fn);
};

/** Dates as people read them here (Asia/Seoul, the credential's jurisdiction). */
export function formatDate(iso: string | number | null | undefined, withTime = false): string {
  if (iso === null || iso === undefined || iso === '') return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', {
    timeZone: 'Asia/Seoul',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    ...(withTime && { hour: '2-digit', minute: '2-digit' }),
  }).format(d);
}
