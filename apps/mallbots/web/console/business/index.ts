import type { Screen } from '../screen.js';
import { DepotScreen } from './depot.js';
import { OrderScreen } from './order.js';
import { OrdersScreen } from './orders.js';
import { StaffScreen } from './staff.js';
import { StoreScreen } from './store.js';
import { StoresScreen } from './stores.js';

const STORE_MANAGER = 'store-manager';
const DEPOT_STAFF = 'depot-staff';

/** Store managers' and depot staff's screens (operators see them all). */
export const businessScreens: readonly Screen[] = [
  { route: 'stores', title: 'Stores', nav: 'Stores', roles: [STORE_MANAGER], component: StoresScreen },
  { route: 'stores/:id', title: 'Store', roles: [STORE_MANAGER], component: StoreScreen },
  { route: 'depot', title: 'Depot live', nav: 'Depot live', roles: [DEPOT_STAFF], component: DepotScreen },
  { route: 'orders', title: 'Orders', nav: 'Orders', roles: [DEPOT_STAFF], component: OrdersScreen },
  { route: 'orders/:id', title: 'Order', roles: [DEPOT_STAFF], component: OrderScreen },
  // No role but the operator's.
  { route: 'staff', title: 'Staff logins', nav: 'Staff', roles: [], component: StaffScreen },
];
