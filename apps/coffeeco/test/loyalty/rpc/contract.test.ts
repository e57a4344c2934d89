import { fileURLToPath } from 'node:url';
import { describeProtobufContracts } from '@tessera/platform/testing';

describeProtobufContracts({
  root: fileURLToPath(new URL('../../../../../', import.meta.url)),
  application: 'coffeeco',
  protoPackage: 'coffeeco',
  contexts: ['loyalty'],
});
