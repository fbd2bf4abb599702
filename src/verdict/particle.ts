/**
 * Korean particles chosen by the last sound of the word before them (받침), instead of the
 * mechanical "이(가)": 증명서가, 검증기관이, 1이 (일), 2가 (이), KB가 (비), URL이 (엘).
 * Pure: the pages and the server both use it.
 */

/** Particle pairs: [after a final consonant, after a vowel]. (으)로 also takes 로 after ㄹ. */
const PAIRS = {
  '이/가': ['이', '가'],
  '을/를': ['을', '를'],
  '은/는': ['은', '는'],
  '과/와': ['과', '와'],
  '이에요/예요': ['이에요', '예요'],
  '으로/로': ['으로', '로'],
} as const;
export type Particle = keyof typeof PAIRS;

/** How the last character ends when read aloud: no consonant, ㄹ, or another consonant. */
type Ending = 'vowel' | 'rieul' | 'consonant';

const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
/** Final-consonant index of ㄹ in a composed syllable. */
const RIEUL = 8;
/** Digits as read in Sino-Korean: 영 일 이 삼 사 오 육 칠 팔 구. */
const DIGIT: Record<string, Ending> = {
  '0': 'consonant',
  '1': 'rieul',
  '2': 'vowel',
  '3': 'consonant',
  '4': 'vowel',
  '5': 'vowel',
  '6': 'consonant',
  '7': 'rieul',
  '8': 'rieul',
  '9': 'vowel',
};
/** Latin letters as spelled out in Korean, for acronyms (엘, 엠, 엔, 알 end in a consonant; 에이, 비, 시 … do not). */
const LETTER: Record<string, Ending> = { l: 'rieul', r: 'rieul', m: 'consonant', n: 'consonant' };
/**
 * The last sound of a Latin word as Korean writes loanwords: -l → ㄹ (Seoul 서울), -m, -n, -ng →
 * a consonant (Zoom 줌, Kakao Bank 뱅크 is -k, a vowel: 크); anything else ends in a vowel
 * (verifier 베리파이어, test 테스트).
 */
function latinWordEnding(word: string): Ending {
  if (/l$/i.test(word)) return 'rieul';
  return /(m|n|ng)$/i.test(word) ? 'consonant' : 'vowel';
}

/**
 * The ending of the last readable character (quotes, spaces and punctuation are skipped). A
 * closing parenthesised gloss is skipped whole: the particle follows the word before it, as the
 * National Institute of Korean Language advises (커피(coffee)를, 행정안전부(세종)가).
 */
function ending(word: string): Ending {
  const chars = [...word.normalize('NFC').replace(/(?<=\S)\s*\([^()]*\)\s*$/, '')];
  for (let i = chars.length - 1; i >= 0; i--) {
    const ch = chars[i]!;
    const code = ch.codePointAt(0)!;
    if (code >= HANGUL_FIRST && code <= HANGUL_LAST) {
      const final = (code - HANGUL_FIRST) % 28;
      return final === 0 ? 'vowel' : final === RIEUL ? 'rieul' : 'consonant';
    }
    if (/[0-9]/.test(ch)) return DIGIT[ch]!;
    if (/[A-Za-z]/.test(ch)) {
      // An acronym (URL, KB, PIN) is read letter by letter; a word (verifier, Bank) as a word.
      const run = /[A-Za-z]+$/.exec(chars.slice(0, i + 1).join(''))![0];
      return run.length === 1 || run === run.toUpperCase() ? (LETTER[ch.toLowerCase()] ?? 'vowel') : latinWordEnding(run);
    }
  }
  return 'vowel';
}

/** True when the last readable syllable of `word` ends in a consonant (받침). */
export const hasFinalConsonant = (word: string): boolean => ending(word) !== 'vowel';

/** The particle that fits `word` (without the word). */
export function particleFor(word: string, particle: Particle): string {
  const [afterConsonant, afterVowel] = PAIRS[particle];
  const end = ending(word);
  if (particle === '으로/로') return end === 'consonant' ? afterConsonant : afterVowel;
  return end === 'vowel' ? afterVowel : afterConsonant;
}

/** `word` followed by the particle that fits it: withParticle('검증기관', '이/가') → '검증기관이'. */
export const withParticle = (word: string, particle: Particle): string => word + particleFor(word, particle);
