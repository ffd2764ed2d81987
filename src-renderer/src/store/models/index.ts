/** The models domain's store: the model list, suggested folders, uploads, hashing and the details drawer. */
import { create } from 'zustand';
import { modelsClient } from '../../client/models';
import { createModelsActions } from './actions';
import { initialModelsState } from './initialState';
import type { ModelsStore } from './store-type';

export type { ModelsStore } from './store-type';

export const useModelsStore = create<ModelsStore>()((set, get) => ({
  ...initialModelsState,
  ...createModelsActions(set, get, modelsClient),
}));

export * from './selectors';
export type { HashState, ModelsState } from './initialState';
export type { SkippedFile, UploadItem, UploadStatus } from '../intake/upload-items';
