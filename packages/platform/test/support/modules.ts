import {
  type Application,
  type ApplicationDefinition,
  defineApplication,
  type Module,
} from '@tessera/platform/runtime';

/** A module with nothing in it: what a test of the runtime needs when only names and counts matter. */
export const emptyModule = (name: string): Module => ({
  name,
  description: name,
  migrations: [],
  start: async () => ({}),
});

/** An application of empty modules, named by `modules`: what a test of what the runtime shows of one needs. */
export const emptyApplication = (
  definition: Omit<ApplicationDefinition, 'version' | 'modules'> & { readonly modules: readonly string[] },
): Application =>
  defineApplication({ version: '1', ...definition, modules: definition.modules.map(emptyModule) });
