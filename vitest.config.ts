// Component tests (*.spec.ts under test/renderer): Vue single-file components mounted with @vue/test-utils in
// happy-dom, with the app's i18n plugin in English (test/renderer/components/setup-i18n.ts). Everything else runs
// under node:test (test/run.mjs).
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  // vue-i18n's feature flags, as a bundler would set them: composition API only.
  define: { __VUE_I18N_FULL_INSTALL__: true, __VUE_I18N_LEGACY_API__: false, __INTLIFY_PROD_DEVTOOLS__: false },
  resolve: { alias: { '@renderer': resolve(import.meta.dirname, 'renderer/src') } },
  test: { environment: 'happy-dom', include: ['test/renderer/**/*.spec.ts'], setupFiles: ['test/renderer/components/setup-i18n.ts'], pool: 'threads' },
});
