// Component tests (*.spec.ts under test/renderer): Vue single-file components mounted with @vue/test-utils in
// happy-dom. Everything else runs under node:test (test/run.mjs).
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@renderer': resolve(import.meta.dirname, 'renderer/src') } },
  test: { environment: 'happy-dom', include: ['test/renderer/**/*.spec.ts'], pool: 'threads' },
});
