export * from './safetensors';
export * from './hf-bert';
export * from './hf-architectures';
export * from './hf-import';
