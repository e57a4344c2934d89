import '@tessera/web/styles.css';
import './till.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Till } from './till.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Till />
  </StrictMode>,
);
