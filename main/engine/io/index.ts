export * from './safetensors';
export * from './hf-bert';
