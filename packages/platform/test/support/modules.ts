import type { Module } from '@tessera/platform/runtime';

/** A module with nothing in it: what a test of the runtime needs when only names and counts matter. */
export const emptyModule = (name: string): Module => ({
  name,
  description: name,
  migrations: [],
  start: async () => ({}),
});
