/**
 * The sentence an `errors[]` entry carries, in English and for a reader of Korean. A refusal's
 * `detail` is the catalogue's sentence for its code (src/http/problem.ts); each entry of its
 * `errors[]` says what is wrong with one field, and a Korean reader (the operator console shows
 * these next to the claim they concern) is owed that in Korean too.
 *
 * Why not ajv-i18n's `ko`: it names JSON types and formats in English ("string이여야 합니다",
 * "\"date\" 포맷과 일치해야 합니다"), quotes the pattern's regular expression and misspells
 * 이어야; the glossary's rule is no English hints and no raw codes in Korean mode. The keywords
 * here are the ones our schemas use (a test walks every schema and holds them to that). The
 * console's client-side checks (src/web/console/schema-form.ts) take their Korean from here too,
 * so a field's fault reads alike before and after the request (this module is pure: the browser
 * bundle imports it).
 */
import { hasFinalConsonant } from './particle.js';

/** One bad field of a request: where (RFC 6901 pointer into the request) and what, in both languages. */
export interface FieldError {
  readonly pointer: string;
  /** English, for the default answer. */
  readonly message: string;
  /** Korean, for a reader who prefers it; never sent as a member of its own. */
  readonly ko: string;
}

export const fieldError = (pointer: string, message: string, ko: string): FieldError => ({ pointer, message, ko });

/** For an entry that came without a Korean sentence: the pointer still says where. */
export const FIELD_FALLBACK_KO = '값이 올바르지 않습니다.';

/** Our own field sentences, each in both languages, so every site says the same thing alike. */
export const FIELD_MESSAGES = {
  required: { en: 'is required', ko: '필수 항목입니다.' },
  notAllowedHere: { en: 'is not allowed here', ko: '이 위치에는 허용되지 않는 항목입니다.' },
  unsafeText: {
    en: 'must not contain control, format or bidirectional characters',
    ko: '제어 문자, 서식 문자, 양방향 제어 문자는 넣을 수 없습니다.',
  },
  unsafeTextOrSeparator: {
    en: 'must not contain control, format, bidirectional or line separator characters',
    ko: '제어 문자, 서식 문자, 양방향 제어 문자, 줄 구분 문자는 넣을 수 없습니다.',
  },
  derivedClaim: { en: 'is a derived claim', ko: '서비스가 생년월일로 계산하는 항목이므로 보내지 마십시오.' },
  looksLikeRrn: {
    en: 'looks like a resident registration number',
    ko: '주민등록번호로 보입니다. 주민등록번호는 증명서에 넣지 않습니다.',
  },
  notJsonValue: { en: 'is not a JSON value', ko: 'JSON 값이 아닙니다.' },
  notDate: { en: 'must be a date (YYYY-MM-DD)', ko: '날짜 형식(YYYY-MM-DD)이어야 합니다.' },
  inFuture: { en: 'must not be in the future', ko: '오늘보다 늦은 날짜일 수 없습니다.' },
  notClaimPath: { en: 'not a claim path', ko: '항목 경로가 아닙니다.' },
  unknownType: { en: 'not a credential type of the catalogue', ko: '증명서 종류 목록에 없는 종류입니다.' },
  emptyList: {
    en: 'is empty, so nothing could pass; leave it out to accept any',
    ko: '비어 있어 어떤 증명서도 통과할 수 없습니다. 모두 받으려면 이 항목을 빼십시오.',
  },
  outsideClientTypes: {
    en: 'names no type this client may verify',
    ko: '이 클라이언트가 검증할 수 있는 증명서 종류가 하나도 없습니다.',
  },
} as const satisfies Record<string, { en: string; ko: string }>;

export const ownFieldError = (pointer: string, which: keyof typeof FIELD_MESSAGES): FieldError =>
  fieldError(pointer, FIELD_MESSAGES[which].en, FIELD_MESSAGES[which].ko);

/** `word` + 이어야/여야 합니다, the copula after a final consonant or a vowel. */
const mustBe = (word: string) => `${word}${hasFinalConsonant(word) ? '이어야' : '여야'} 합니다.`;

/** JSON Schema types in words (RFC 8259's names, as a Korean developer's documentation says them). */
const TYPE_WORDS: Record<string, string> = {
  string: '문자열',
  integer: '정수',
  number: '숫자',
  boolean: '참·거짓 값',
  object: '객체',
  array: '배열',
  null: '빈 값(null)',
};

const FORMAT_SENTENCES: Record<string, string> = {
  date: '날짜 형식(YYYY-MM-DD)이어야 합니다.',
  'date-time': '날짜와 시각 형식(RFC 3339)이어야 합니다.',
  uri: '주소(URI) 형식이어야 합니다.',
  regex: '정규 표현식이어야 합니다.',
};

/** The parts of an ajv error the sentence needs (ajv's ErrorObject and Fastify's copy of it alike). */
export interface SchemaErrorLike {
  keyword?: string;
  params?: Record<string, unknown>;
}

/** A limit as Korean text writes it: 20,000 (digit groups for whole numbers), 0.5 as it is. */
const num = (v: unknown) =>
  typeof v !== 'number' || !Number.isFinite(v) ? undefined : Number.isSafeInteger(v) ? v.toLocaleString('ko-KR') : String(v);

/**
 * The Korean sentence for one schema error, by its keyword and parameters (never by its English
 * text, never quoting the schema). Keywords no schema of ours uses get the general sentence.
 */
export function schemaErrorKo(e: SchemaErrorLike): string {
  const p = e.params ?? {};
  const limit = num(p.limit);
  switch (e.keyword) {
    case 'required':
      return FIELD_MESSAGES.required.ko;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return FIELD_MESSAGES.notAllowedHere.ko;
    case 'type': {
      const types = (Array.isArray(p.type) ? p.type : String(p.type ?? '').split(',')).map((t) => TYPE_WORDS[String(t)]);
      return types.every((t) => t !== undefined) && types.length > 0 ? mustBe(types.join(' 또는 ')) : FIELD_FALLBACK_KO;
    }
    case 'minLength':
      return limit ? `${limit}자 이상이어야 합니다.` : FIELD_FALLBACK_KO;
    case 'maxLength':
      return limit ? `${limit}자 이하여야 합니다.` : FIELD_FALLBACK_KO;
    case 'minimum':
      return limit ? `${limit} 이상이어야 합니다.` : FIELD_FALLBACK_KO;
    case 'maximum':
      return limit ? `${limit} 이하여야 합니다.` : FIELD_FALLBACK_KO;
    case 'exclusiveMinimum':
      return limit ? `${limit}보다 커야 합니다.` : FIELD_FALLBACK_KO;
    case 'exclusiveMaximum':
      return limit ? `${limit}보다 작아야 합니다.` : FIELD_FALLBACK_KO;
    case 'minItems':
    case 'minProperties':
      return limit ? `항목이 ${limit}개 이상이어야 합니다.` : FIELD_FALLBACK_KO;
    case 'maxItems':
    case 'maxProperties':
      return limit ? `항목이 ${limit}개 이하여야 합니다.` : FIELD_FALLBACK_KO;
    case 'uniqueItems':
      return '같은 항목이 두 번 이상 들어 있습니다.';
    case 'enum':
      return '허용된 값 중 하나여야 합니다.';
    case 'const':
      return '정해진 값이어야 합니다.';
    case 'format':
      return FORMAT_SENTENCES[String(p.format)] ?? '형식이 맞지 않습니다.';
    case 'pattern':
      return '형식이 맞지 않습니다.';
    case 'anyOf':
    case 'oneOf':
    case 'allOf':
    case 'not':
    case 'if':
      return '허용된 형태가 아닙니다.';
    case 'propertyNames':
      return '항목 이름이 올바르지 않습니다.';
    default:
      return FIELD_FALLBACK_KO;
  }
}

/**
 * An `errors[]` entry as sent: `{ pointer, message }` in the reader's language. Entries are
 * built by our code, but the problem's members are open, so anything else passes unchanged.
 */
export function fieldErrorInLanguage(entry: unknown, korean: boolean): unknown {
  if (typeof entry !== 'object' || entry === null) return entry;
  const { pointer, message, ko } = entry as { pointer?: unknown; message?: unknown; ko?: unknown };
  if (typeof pointer !== 'string' || typeof message !== 'string') return entry;
  return { pointer, message: korean ? (typeof ko === 'string' ? ko : FIELD_FALLBACK_KO) : message };
}
