import { defineRoles } from '@tessera/platform/identity';

/** The staff who run the mall's stores. */
export const storesRoles = defineRoles({
  storeManager: { description: "Manages the mall's stores and their catalogues" },
});
