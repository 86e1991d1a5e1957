export * from './fixture';
export * from './replay';
export * from './compare';
