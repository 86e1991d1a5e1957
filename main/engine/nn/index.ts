export * from './config';
export * from './layers';
export * from './heads';
