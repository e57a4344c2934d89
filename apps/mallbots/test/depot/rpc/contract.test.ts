import { fileURLToPath } from 'node:url';
import { describeProtobufContracts } from '@tessera/platform/testing';

// Each context's contract is generated into its own module's contract/gen: the robots' (depot), Stores', Customers'.
describeProtobufContracts({
  root: fileURLToPath(new URL('../../../../../', import.meta.url)),
  application: 'mallbots',
  protoPackage: 'mallbots',
  contexts: ['depot', 'stores', 'customers'],
});
