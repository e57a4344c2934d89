// @ts-expect-error: a plain script of the repository, with no types of its own.
import { buildWeb } from '../../../scripts/build-web.mjs';

/** Browser tests use the pages as `npm start` serves them: built first when a source is newer. */
export default async function setup() {
  await buildWeb();
}
