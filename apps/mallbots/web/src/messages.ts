import type { MessageTable } from '@tessera/web';

/** MallBots' problem codes as sentences for customers and staff (the platform's own are in @tessera/web). */
export const mallbotsMessages: MessageTable = {};
