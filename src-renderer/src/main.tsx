/**
 * Renderer entry: Mantine's styles, its provider and notifications around the app.
 * (In development Vite injects its React-refresh preamble above the CSP meta tag, so the
 * policy's `script-src 'self'` does not block it.)
 */
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { theme } from './theme';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    {/* "auto" follows the operating system's light or dark setting. */}
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="top-right" />
      <App />
    </MantineProvider>
  </StrictMode>,
);
