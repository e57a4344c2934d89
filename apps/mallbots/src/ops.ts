import { runOps } from '@tessera/platform/runtime';
import { app, configOrExit } from './config.js';

/**
 * Messaging operations from a terminal: `npm run dead-letters -- list|show|redrive`, `npm run lag`
 * (`--help` lists them). Opens the database and the broker only: no module starts, nothing is subscribed.
 */
process.exitCode = await runOps({ name: app.name, config: configOrExit(), args: process.argv.slice(2) });
