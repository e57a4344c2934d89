import '@tessera/web/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Console } from './shell.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Console />
  </StrictMode>,
);
