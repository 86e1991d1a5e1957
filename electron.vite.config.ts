import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';

/** Vite's dev server injects <style> tags and an HMR socket; loosen the CSP for `npm run dev` only. */
function devCsp(): Plugin {
  return {
    name: 'chorus-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws://localhost:*"),
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve(__dirname, 'main/index.ts'), trainer: resolve(__dirname, 'main/training/trainer-process.ts') },
        external: ['better-sqlite3', 'onnxruntime-node', 'electron'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    base: './',
    resolve: { alias: { '@renderer': resolve(__dirname, 'renderer/src') } },
    plugins: [vue(), devCsp()],
    // vue-i18n's feature flags (as vitest.config.ts sets them): composition API only, no devtools in production.
    define: { __VUE_I18N_FULL_INSTALL__: true, __VUE_I18N_LEGACY_API__: false, __INTLIFY_PROD_DEVTOOLS__: false },
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // chart-harness.html: a static page that streams 100k points into the dashboard chart (test/e2e/chart-stream.e2e.ts)
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html'), chartHarness: resolve(__dirname, 'renderer/chart-harness.html') } },
    },
  },
});
