import '@tessera/web/styles.css';
import '../src/lc.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApplicantApp } from './app.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApplicantApp />
  </StrictMode>,
);
