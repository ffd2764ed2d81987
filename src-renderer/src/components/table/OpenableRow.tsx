/**
 * A table row that opens something: focusable, opened with a click, Enter or Space; the
 * arrow keys, Home and End move between rows the way they move between lines of a list.
 */
import { Table } from '@mantine/core';
import type { KeyboardEvent, ReactNode } from 'react';
import { focusRow, rowMoveForKey } from './row-focus';

export interface OpenableRowProps {
  onOpen(): void;
  /** Read by screen readers, e.g. "notes.jsonl: open details". */
  label: string;
  /** Shown highlighted (the row whose details are open). */
  selected?: boolean;
  testId: string;
  /** Extra `data-*` attributes tests and styles read (`{ 'data-model-id': id }`). */
  data?: Record<`data-${string}`, string>;
  children: ReactNode;
}

export function OpenableRow({ onOpen, label, selected, testId, data, children }: OpenableRowProps) {
  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>) => {
    // Keys pressed on a button inside the row belong to that button.
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen();
      return;
    }
    const move = rowMoveForKey(event.key);
    if (move !== null) {
      event.preventDefault();
      focusRow(event.currentTarget, move);
    }
  };

  return (
    <Table.Tr
      tabIndex={0}
      onClick={onOpen}
      onKeyDown={onKeyDown}
      aria-label={label}
      aria-selected={selected}
      bg={selected === true ? 'var(--mantine-primary-color-light)' : undefined}
      style={{ cursor: 'pointer' }}
      data-testid={testId}
      {...data}
    >
      {children}
    </Table.Tr>
  );
}
