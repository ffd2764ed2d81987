/** Alt+1…Alt+9 open the first nine pages, so the keyboard reaches every page in one stroke. */
import { useHotkeys, type HotkeyItem } from '@mantine/hooks';
import { useMemo } from 'react';
import type { PageEntry } from '../pages/registry';

export function usePageHotkeys(pages: readonly PageEntry[], open: (id: string) => void): void {
  const hotkeys = useMemo(
    () =>
      pages.slice(0, 9).flatMap((page, i): HotkeyItem[] => [
        [`alt+${i + 1}`, () => open(page.id)],
        // By physical key too: on macOS Option+1 types "¡", so the character never reads "1".
        [`alt+digit${i + 1}`, () => open(page.id), { usePhysicalKeys: true }],
      ]),
    [pages, open],
  );
  useHotkeys(hotkeys);
}
