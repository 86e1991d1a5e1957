export * from './graph';
export * from './session';
export * from './forward';
