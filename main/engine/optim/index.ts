export * from './flat';
export * from './adamw';
