import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { pickApiClient } from './api-client';
import './styles.css';

const client = pickApiClient(window, (input, init) => fetch(input, init));
const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
