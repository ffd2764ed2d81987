/**
 * The panes of a conversation as the Playground edits them: the base model and/or up to
 * three adapters (the contract takes four panes at most), each adapter with its strength.
 */
import type { AdapterChoice, AdapterOption, ChatPane } from '../../../../src-main/contract';

export const MAX_PANES = 4;
export const BASE_PANE: ChatPane = { adapter: { kind: 'none' } };

/** The panes a run opens with: the base and the run's final adapter side by side. */
export function panesForRun(runId: string): ChatPane[] {
  return [BASE_PANE, { adapter: { kind: 'run', runId, checkpointStep: null, scale: 1 } }];
}

/** A select's value for an adapter choice ("base", or "<run>@final" / "<run>@<step>"). */
export function adapterKey(choice: AdapterChoice | AdapterOption): string {
  if (!('runId' in choice)) return 'base';
  return `${choice.runId}@${choice.checkpointStep ?? 'final'}`;
}

export function paneLabel(pane: ChatPane, adapters: readonly AdapterOption[]): string {
  if (pane.adapter.kind === 'none') return 'Base model';
  const key = adapterKey(pane.adapter);
  const option = adapters.find((candidate) => adapterKey(candidate) === key);
  if (option !== undefined) return option.label;
  return pane.adapter.checkpointStep === null ? `Run ${pane.adapter.runId}` : `Run ${pane.adapter.runId}, step ${pane.adapter.checkpointStep}`;
}

/** The pane's adapter replaced by `option` (null: the base), keeping its strength. */
export function withPaneAdapter(panes: readonly ChatPane[], index: number, option: AdapterOption | null): ChatPane[] {
  return panes.map((pane, i) => {
    if (i !== index) return pane;
    if (option === null) return BASE_PANE;
    const scale = pane.adapter.kind === 'run' ? pane.adapter.scale : 1;
    return { adapter: { kind: 'run', runId: option.runId, checkpointStep: option.checkpointStep, scale } };
  });
}

export function withPaneScale(panes: readonly ChatPane[], index: number, scale: number): ChatPane[] {
  const clamped = Math.min(2, Math.max(0, scale));
  return panes.map((pane, i) => (i === index && pane.adapter.kind === 'run' ? { adapter: { ...pane.adapter, scale: clamped } } : pane));
}

/** Another pane: the first adapter not shown yet, else the base; unchanged when full. */
export function withPaneAdded(panes: readonly ChatPane[], adapters: readonly AdapterOption[]): ChatPane[] {
  if (panes.length >= MAX_PANES) return [...panes];
  const shown = new Set(panes.map((pane) => adapterKey(pane.adapter)));
  const next = adapters.find((option) => !shown.has(adapterKey(option)));
  return [...panes, next === undefined ? BASE_PANE : { adapter: { kind: 'run', runId: next.runId, checkpointStep: next.checkpointStep, scale: 1 } }];
}

/** Without the pane at `index`; the last pane stays (a chat needs one). */
export function withPaneRemoved(panes: readonly ChatPane[], index: number): ChatPane[] {
  if (panes.length <= 1) return [...panes];
  return panes.filter((_, i) => i !== index);
}
