import { defineRoles } from '@tessera/platform/identity';

/** Who works the depot: its staff, and the robots, each of which acts only as itself. */
export const depotRoles = defineRoles({
  depotStaff: { description: 'Works the depot: shopping lists, bots, orders at pick-up' },
  robot: {
    description: 'A shopping robot: takes and completes lists as itself, its credential its own',
    own: true,
  },
});
