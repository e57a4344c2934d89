// What the compiled applications read beside their JavaScript: each module's SQL migrations
// (`sqlMigrationsIn(new URL('./migrations/', import.meta.url))`). tsc emits only code and imported JSON, so
// `npm run build` copies these from apps/<name>/src to dist/<name>/src.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

const ASSETS = new Set(['.sql']);
const [from = 'apps', to = 'dist'] = process.argv.slice(2);

let copied = 0;
for (const name of readdirSync(from)) {
  const src = join(from, name, 'src');
  if (!existsSync(src) || !statSync(src).isDirectory()) continue;
  cpSync(src, join(to, name, 'src'), {
    recursive: true,
    filter: (path) => {
      if (statSync(path).isDirectory()) return true;
      const asset = ASSETS.has(extname(path));
      if (asset) copied += 1;
      return asset;
    },
  });
}
// The built web pages (`npm run build:web`), where `web.dist` of each app.ts finds them once compiled.
let pages = 0;
for (const name of readdirSync(from)) {
  const built = join(from, name, 'web', 'dist');
  if (!existsSync(built)) continue;
  cpSync(built, join(to, name, 'web', 'dist'), { recursive: true });
  pages += 1;
}
process.stdout.write(
  `copied ${copied} asset files from ${from}/*/src to ${to}/*/src, and ${pages} applications' web pages\n`,
);
