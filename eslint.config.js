// Flat config: typescript-eslint and eslint-plugin-vue recommended sets, plus the import direction
// (renderer → preload → main/api → services → engine) enforced with no-restricted-imports.
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

const RENDERER_MAY_IMPORT = 'the renderer imports only types from main/api/contract and main/data/types (and two pure modules: the error catalog and ROUGE)';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/artifacts/**', '**/*.tmp.*', '.*/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Comma sequences of assignments (`(a = 1), (b = 2)`) are a house style in the importers.
      '@typescript-eslint/no-unused-expressions': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+main/(?!api/contract$|data/types$|data/error-catalog$|training/metrics/rouge$)',
              message: RENDERER_MAY_IMPORT,
            },
            { regex: '^(\\.\\./)+main/(api/contract|data/types)$', allowTypeImports: true, message: RENDERER_MAY_IMPORT },
            { regex: '^(\\.\\./)+preload', message: 'the renderer reaches preload only through window.chorus' },
            { regex: '^(electron|better-sqlite3|onnxruntime-node|ws|zod)$|^node:', message: 'the renderer never touches Node, files or SQL' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!electron$)(?!\\.\\./main/api/contract$)', message: 'preload stays tiny: electron only (and contract types)' },
            { regex: '^\\.\\./main/api/contract$', allowTypeImports: true, message: 'preload imports only types from the contract' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^electron$', message: 'the engine is pure Node: no Electron' },
            { regex: '^better-sqlite3$', message: 'the engine knows nothing of the store' },
            { regex: '(^|/)(store|api|data|cli|training)(/|$)', message: 'the engine knows nothing of store, api, data or cli' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/data/**/*.ts', 'main/store/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^electron$', message: 'services run headless (CLI, serve): no Electron' }, { regex: '(^|/)api(/|$)', message: 'services do not import the API layer' }] },
      ],
    },
  },
);
