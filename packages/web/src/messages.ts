/** What a sentence is chosen by: the fields of an `ApiProblem`. */
export interface ProblemLike {
  readonly status: number;
  readonly code: string | undefined;
  readonly title: string;
}

/** The languages pages speak; the browser's preferred one that is here, else English. */
export type Locale = 'en' | 'es';
export const LOCALES: readonly Locale[] = ['en', 'es'];

/** Sentences by problem code, per language: the platform's own here, each application adds its own. */
export type MessageTable = Readonly<Record<string, Readonly<Partial<Record<Locale, string>>>>>;

export const platformMessages: MessageTable = {
  unreachable: {
    en: 'We cannot reach the server. Check the connection and try again.',
    es: 'No podemos conectar con el servidor. Compruebe la conexión e inténtelo de nuevo.',
  },
  invalid_credentials: {
    en: 'That username and password do not match. Please try again.',
    es: 'El usuario y la contraseña no coinciden. Inténtelo de nuevo.',
  },
  session_ended: {
    en: 'Your session has ended. Please log in again.',
    es: 'Su sesión ha terminado. Vuelva a iniciar sesión.',
  },
  unauthenticated: { en: 'Please log in first.', es: 'Inicie sesión primero.' },
  forbidden: {
    en: 'Your account is not allowed to do this.',
    es: 'Su cuenta no tiene permiso para hacer esto.',
  },
  not_yours: { en: 'This belongs to someone else.', es: 'Esto pertenece a otra persona.' },
  username_taken: {
    en: 'That username is taken. Please choose another.',
    es: 'Ese nombre de usuario ya existe. Elija otro.',
  },
  csrf: {
    en: 'This page is out of date. Reload it and try again.',
    es: 'Esta página está desactualizada. Recárguela e inténtelo de nuevo.',
  },
  rate_limited: {
    en: 'Too many attempts. Please wait a moment and try again.',
    es: 'Demasiados intentos. Espere un momento e inténtelo de nuevo.',
  },
  validation: {
    en: 'Some details need correcting: see the messages next to them.',
    es: 'Algunos datos deben corregirse: vea los mensajes junto a ellos.',
  },
};

const byStatus: Readonly<Record<number, Readonly<Record<Locale, string>>>> = {
  400: {
    en: 'Some details need correcting: see the messages next to them.',
    es: 'Algunos datos deben corregirse: vea los mensajes junto a ellos.',
  },
  404: { en: 'We could not find that.', es: 'No lo hemos encontrado.' },
  409: {
    en: 'That cannot be done now: it has changed. Please look again.',
    es: 'No se puede hacer ahora: ha cambiado. Vuelva a mirarlo.',
  },
  429: {
    en: 'Too many attempts. Please wait a moment and try again.',
    es: 'Demasiados intentos. Espere un momento e inténtelo de nuevo.',
  },
  503: {
    en: 'This is not available right now. Please try again shortly.',
    es: 'No está disponible ahora. Inténtelo de nuevo en breve.',
  },
};

/** The page's language: the first of the browser's preferred languages that pages speak. */
export function preferredLocale(
  languages: readonly string[] = (globalThis as { navigator?: { languages?: readonly string[] } }).navigator
    ?.languages ?? [],
): Locale {
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0] as Locale;
    if (LOCALES.includes(base)) return base;
  }
  return 'en';
}

/**
 * What a person reads for a problem: the application's sentence for its code, else the platform's, else one
 * for its status; in English, the server's own title when nothing else fits. Never the raw answer.
 */
export function messageOf(
  problem: ProblemLike,
  locale: Locale = preferredLocale(),
  table: MessageTable = {},
): string {
  const code = problem.code;
  const known = code === undefined ? undefined : (table[code] ?? platformMessages[code]);
  const sentence = known?.[locale] ?? known?.en;
  if (sentence) return sentence;
  if (locale === 'en' && problem.status >= 400 && problem.status < 500 && problem.title) {
    return `${problem.title.charAt(0).toUpperCase()}${problem.title.slice(1)}.`.replace(/\.\.$/, '.');
  }
  const general = byStatus[problem.status];
  if (general) return general[locale];
  return locale === 'es'
    ? 'Algo ha fallado de nuestro lado. Inténtelo de nuevo.'
    : 'Something went wrong on our side. Please try again.';
}
