// Step definitions are TypeScript: tsx's ESM hooks, registered before cucumber imports them. (Cucumber's
// `loader` option registers a loader module; tsx refuses that route and wants its API or `--import`.)
import { register } from 'tsx/esm/api';

register();
