/** The parts of an OpenAPI 3.1 document the gateway merges. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  tags?: Array<{ name: string; description?: string }>;
  paths?: Record<string, unknown>;
  components?: Record<string, Record<string, unknown> | undefined>;
  [field: string]: unknown;
}

/**
 * Where a module's own path is public through the gateway: `<prefix>/api/...` as is, `<prefix>/admin/...` under
 * `<prefix>/admin/<module>` (and the platform's own `/admin/...` under `/admin/<module>`), where the prefix is
 * its application's.
 */
export function publicPath(module: string, path: string, prefix = ''): string | undefined {
  for (const base of prefix === '' ? [''] : [prefix, '']) {
    const rest = path.slice(base.length);
    if (base !== '' && !path.startsWith(`${base}/`)) continue;
    if (base === prefix && (rest === '/api' || rest.startsWith('/api/'))) return path;
    if (rest.startsWith('/admin/')) return `${base}/admin/${module}${rest.slice('/admin'.length)}`;
  }
  return undefined;
}

/**
 * One document for the whole system from each module process's own: their public paths (admin paths moved
 * under /admin/<module>), their components and tags. A component two modules define (Problem) is the same
 * schema, generated from the platform's; the first one is kept.
 */
export function mergeOpenApi(
  info: OpenApiDocument['info'],
  documents: ReadonlyArray<{ module: string; prefix?: string; document: OpenApiDocument }>,
): OpenApiDocument {
  const paths: Record<string, unknown> = {};
  const components: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, { name: string; description?: string }>();
  for (const { module, prefix, document } of documents) {
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      const shown = publicPath(module, path, prefix);
      if (shown !== undefined) paths[shown] = item;
    }
    for (const [kind, entries] of Object.entries(document.components ?? {})) {
      components[kind] ??= {};
      for (const [name, value] of Object.entries(entries ?? {})) components[kind][name] ??= value;
    }
    for (const tag of document.tags ?? []) if (!tags.has(tag.name)) tags.set(tag.name, tag);
  }
  return {
    openapi: '3.1.0',
    info,
    tags: [...tags.values()],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components,
  };
}
