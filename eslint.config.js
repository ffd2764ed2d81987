// Lint rules that keep the layers apart (DESIGN §1): only the Electron entry and the one IPC
// registration file may touch `electron`; the renderer sees the main process only through
// the contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const electronOnly = {
  name: 'electron',
  message: 'Only src-main/electron/ and src-preload/ may import electron: services stay plain Node.',
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'python-runtime/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOnly] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src-main/electron/**/*.ts', 'src-preload/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src-main/contract/**/*.ts'],
    rules: {
      // The contract is loaded by the renderer and the sandboxed preload too: no Node, no Electron.
      'no-restricted-imports': ['error', { paths: [electronOnly], patterns: ['node:*', '../*/**', '!../contract'] }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser sandbox.' },
            { regex: 'src-main/(?!contract)', message: 'The renderer reaches the main process only through src-main/contract.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
);
