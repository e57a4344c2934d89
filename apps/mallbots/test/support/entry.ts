import { fileURLToPath } from 'node:url';

/** The repository's root, where the one entry script runs. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The repository's entry script (`npm start` is `<entry> start`), run from source as the npm scripts do. */
export const ENTRY = 'apps/main.ts';

/** `node` and its options to run the entry from source. */
export const entryCommand = (...args: string[]): [string, string[]] => [
  process.execPath,
  ['--import', 'tsx', ENTRY, ...args],
];
