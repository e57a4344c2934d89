/**
 * Characters PostgreSQL cannot hold in text: NUL (text is NUL-terminated in the server; `\u0000` in json cannot
 * be turned into text, and jsonb refuses it) and a lone UTF-16 surrogate (it has no UTF-8 form: the driver
 * turns it into U+FFFD in text, silently, and json operators and jsonb refuse its escape). The `u` flag makes
 * a well-formed surrogate pair one code point, outside the Surrogate category.
 */
const UNSTORABLE = /[\0\p{Cs}]/u;

/** True when PostgreSQL can hold `text` as it is, in text, json and jsonb alike. */
export const isStorableText = (text: string) => !UNSTORABLE.test(text);

/**
 * `text` with what storage cannot hold replaced by U+FFFD, for text that must be kept whatever it holds (a
 * failure's reason, a malformed message's id) rather than refused.
 */
export const storableText = (text: string) =>
  isStorableText(text) ? text : text.replace(/[\0\p{Cs}]/gu, '\uFFFD');

/** Where unstorable text is, and what is wrong with it. */
export interface UnstorableText {
  /** The keys and indexes leading to it; the last one is the key itself when the key is the culprit. */
  readonly path: readonly string[];
  readonly message: string;
}

const whatIsWrong = (text: string) =>
  text.includes('\0')
    ? 'holds a NUL character (\\u0000), which cannot be stored'
    : 'holds a lone UTF-16 surrogate, which is not Unicode text and cannot be stored';

/**
 * The first text in `value` (a string, or any string or key inside parsed JSON) that storage cannot hold, or
 * undefined. Every request's input goes through it: each string and key is looked at with one regular
 * expression test.
 */
export function findUnstorableText(value: unknown, path: readonly string[] = []): UnstorableText | undefined {
  if (typeof value === 'string') {
    return UNSTORABLE.test(value) ? { path, message: whatIsWrong(value) } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  for (const key in value) {
    if (UNSTORABLE.test(key)) {
      return { path: [...path, storableText(key)], message: `the field name ${whatIsWrong(key)}` };
    }
    const found = findUnstorableText((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}
