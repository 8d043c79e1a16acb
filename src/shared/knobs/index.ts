export * from './catalog';
export * from './state';
export * from './api';
