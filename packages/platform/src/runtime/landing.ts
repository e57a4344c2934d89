import type { Application } from './application.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Links a page names for an application beside its API docs (its web pages, when it has some). */
export interface LandingLink {
  readonly href: string;
  readonly text: string;
}

/** An application's web pages, first: they are what a person came for. */
const webLinks = (application: Application): readonly LandingLink[] =>
  (application.web?.pages ?? []).map((page) => ({
    href: `${application.pathPrefix}${page.path}`,
    text: `${page.title}: ${page.description}`,
  }));

/**
 * `GET /`: which applications this process runs, a line on each, and where their API documents are. Plain,
 * accessible HTML (landmarks, headings, a language), no script: it must work before anything else does.
 */
export function landingPage(
  applications: ReadonlyArray<{ application: Application; modules: readonly { name: string }[] }>,
  extraLinks: (application: Application) => readonly LandingLink[] = webLinks,
): string {
  const sections = applications.map(({ application, modules }) => {
    const docs = `/docs#/${encodeURIComponent(modules[0]?.name ?? '')}`;
    const links: LandingLink[] = [
      ...extraLinks(application),
      { href: docs, text: `${application.title} API (Swagger UI)` },
    ];
    const partial =
      modules.length === application.modules.length
        ? ''
        : `<p>In this process: ${modules.map((module) => escapeHtml(module.name)).join(', ')}.</p>`;
    return `<section aria-labelledby="app-${escapeHtml(application.name)}">
<h2 id="app-${escapeHtml(application.name)}">${escapeHtml(application.title)}</h2>
<p>${escapeHtml(application.description)}</p>${partial}
<p>Routes under <code>${escapeHtml(application.pathPrefix || '/')}</code></p>
<ul>${links.map((link) => `<li><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></li>`).join('')}</ul>
</section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tessera: ${applications.map(({ application }) => escapeHtml(application.title)).join(', ')}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; background: #fff; line-height: 1.5; }
a { color: #0b57d0; } a:focus { outline: 3px solid #0b57d0; outline-offset: 2px; }
section { border-top: 1px solid #ccc; padding-top: 0.5rem; }
code { background: #f2f2f2; padding: 0 0.2rem; }
</style>
</head>
<body>
<header><h1>Running here</h1></header>
<main>
${sections.join('\n')}
</main>
<footer><p><a href="/docs">Every API (Swagger UI)</a> · <a href="/openapi.json">OpenAPI</a> · <a href="/asyncapi.json">AsyncAPI</a> · <a href="/metrics">Metrics</a></p></footer>
</body>
</html>
`;
}
