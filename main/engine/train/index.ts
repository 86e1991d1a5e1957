export * from './graph';
export * from './session';
export * from './forward';
export { ATTENTION_FLOAT_MASK_LIMIT, attentionMaskBytes } from './dropout-masks';
