// Lint: the recommended rules of ESLint and typescript-eslint, plus a few that guard our conventions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'keys/**', 'test-results/**', 'src/web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read configuration through src/config.ts' }],
    },
  },
  {
    // Browser code: no Node built-ins, and never HTML from strings (pages build DOM from text
    // nodes; their CSP enforces Trusted Types, so innerHTML would throw anyway).
    files: ['src/web/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'browser code cannot use Node built-ins' }] }],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require'],
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'build DOM with h() and text nodes' },
        { property: 'outerHTML', message: 'build DOM with h() and text nodes' },
        { property: 'insertAdjacentHTML', message: 'build DOM with h() and text nodes' },
        { object: 'document', property: 'write', message: 'build DOM with h() and text nodes' }],
    },
  },
  // --- Formats are pure (DESIGN.md "Which way imports run", issue 15) -----------------------
  // src/formats/** imports nothing from src outside src/formats: no store, status domain, keys
  // module, clock, errors or HTTP (packages such as jose and node: built-ins are fine). One block
  // per folder depth, because the imports are relative: from src/formats/<a>/<b>.ts, `../../x`
  // is already outside. Self-contained so that other layering blocks can sit beside it.
  ...[1, 2, 3].map((depth) => ({
    files: [`src/formats/${'*/'.repeat(depth - 1)}*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: `^(\\.\\./){${depth}}`, message: 'formats are pure: import only from src/formats (and packages)' }],
      }],
    },
  })),
  {
    // The config module, the entry points and tests may read the environment.
    files: ['src/config.ts', 'src/server.ts', 'src/cli/**', 'test/**', 'scripts/**', 'bench/**', 'bin/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
