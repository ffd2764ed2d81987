export * from './define';
export * from './errors';
export * from './contract';
export * from './system-types';
export * from './model-types';
export * from './dataset-types';
export * from './wire';
export * from './client';
