import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

const CHANGED = 'tessera:navigate';

/** Goes to a path of the page (history, no reload); the components that read the location render again. */
export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGED));
}

/** The path the page is at, kept current through links, `navigate`, and the browser's back and forward. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const changed = () => setPath(location.pathname);
    window.addEventListener('popstate', changed);
    window.addEventListener(CHANGED, changed);
    return () => {
      window.removeEventListener('popstate', changed);
      window.removeEventListener(CHANGED, changed);
    };
  }, []);
  return path;
}

/**
 * Which of the page's routes the path is, and its parameters: patterns are paths under `base` with `:name`
 * parts (`orders/:id`). The first that matches wins; none: undefined.
 */
export function matchRoute<R extends string>(
  base: string,
  path: string,
  patterns: readonly R[],
): { route: R; params: Record<string, string> } | undefined {
  const rest = path.startsWith(base) ? path.slice(base.length) : path.replace(/^\//, '');
  const parts = rest.split('/').filter(Boolean);
  for (const route of patterns) {
    const wanted = route.split('/').filter(Boolean);
    if (wanted.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const fits = wanted.every((part, index) => {
      const actual = parts[index] as string;
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(actual);
        return true;
      }
      return part === actual;
    });
    if (fits) return { route, params };
  }
  return undefined;
}

/** A link inside the page: a normal anchor (open in a new tab works), followed without a reload. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}
