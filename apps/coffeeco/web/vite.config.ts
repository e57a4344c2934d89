import { defineWebConfig } from '@tessera/web/vite';

export default defineWebConfig({ root: import.meta.url, prefix: '/coffeeco', pages: ['till'] });
