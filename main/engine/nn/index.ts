export * from './config';
export * from './layers';
export * from './heads';
export * from './decoder-config';
export * from './decoder';
