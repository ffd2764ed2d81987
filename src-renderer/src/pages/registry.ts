/**
 * Every page of the app, in navigation order. Adding a page is one line here; the navbar,
 * the Alt+number shortcuts and the routing all read this list.
 */
import type { ComponentType } from 'react';
import { DatasetsPage } from './datasets/DatasetsPage';
import { ModelsPage } from './models/ModelsPage';
import { PlaygroundPage } from './playground/PlaygroundPage';
import { RunsPage } from './runs/RunsPage';
import { SystemPage } from './system/SystemPage';
import { TrainPage } from './train/TrainPage';

export interface PageEntry {
  id: string;
  label: string;
  /** Shown under the label in the navbar. */
  description: string;
  component: ComponentType;
}

export const PAGES: readonly PageEntry[] = [
  { id: 'datasets', label: 'Datasets', description: 'Examples to train on', component: DatasetsPage },
  { id: 'models', label: 'Models', description: 'GGUF base models', component: ModelsPage },
  { id: 'train', label: 'Train', description: 'Start a fine-tune', component: TrainPage },
  { id: 'runs', label: 'Runs', description: 'History and comparison', component: RunsPage },
  { id: 'playground', label: 'Playground', description: 'Chat with what you trained', component: PlaygroundPage },
  { id: 'system', label: 'System', description: 'Hardware and Python', component: SystemPage },
];

export function findPage(id: string): PageEntry | undefined {
  return PAGES.find((page) => page.id === id);
}
