/**
 * The window: header, page list and the current page. Routing is a piece of state (the
 * page id): there are no URLs to share in a desktop app, and the web transport's address
 * fragment carries the access token.
 */
import { AppShell, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useCallback, useEffect, useState } from 'react';
import { findPage, PAGES } from './pages/registry';
import { useRunsData } from './pages/runs/useRunsData';
import { AppHeader } from './shell/AppHeader';
import { AppVersion } from './shell/AppVersion';
import { ConnectionBanner } from './shell/ConnectionBanner';
import { usePageRequestStore } from './shell/page-request';
import { PageNav } from './shell/PageNav';
import { usePageHotkeys } from './shell/usePageHotkeys';

const FIRST_PAGE_ID = PAGES[0]?.id ?? 'system';

export function App() {
  const [pageId, setPageId] = useState(FIRST_PAGE_ID);
  const [navOpened, nav] = useDisclosure(false);

  const openPage = useCallback(
    (id: string) => {
      setPageId(id);
      nav.close();
    },
    [nav],
  );
  usePageHotkeys(PAGES, openPage);
  // A page asked for another (e.g. "Chat with this run" → the Playground).
  useEffect(
    () =>
      usePageRequestStore.subscribe((state) => {
        if (state.requested === null) return;
        openPage(state.requested);
        state.clearRequest();
      }),
    [openPage],
  );
  // Runs go on whichever page is shown: their list, live events and end-of-run toasts too.
  useRunsData();

  const page = findPage(pageId) ?? PAGES[0];
  const Page = page?.component;

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpened } }} padding="lg">
      <AppShell.Header>
        <AppHeader navOpened={navOpened} onToggleNav={nav.toggle} />
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <AppShell.Section grow component={ScrollArea}>
          <PageNav pages={PAGES} current={pageId} onOpen={openPage} />
        </AppShell.Section>
        <AppShell.Section pt="sm">
          <AppVersion />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <ConnectionBanner />
        {/* `key`: a page starts fresh each time it is opened, so its effects start and stop with it. */}
        {Page !== undefined && (
          <div key={pageId} style={{ marginTop: 'var(--mantine-spacing-md)' }}>
            <Page />
          </div>
        )}
      </AppShell.Main>
    </AppShell>
  );
}
