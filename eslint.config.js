// Lint: the recommended rules of ESLint and typescript-eslint, plus a few that guard our conventions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// ── Layering: which src folder may import which (../shared/DESIGN.md, "Which way imports run"). ──
// The code imports its own modules by relative path only, so a pattern is "climbs out (../) into
// src/<folder>/ or src/<file>.js". test/project/layering.test.ts lints a deliberately bad import
// for every block, so a block that stops biting fails a test.
const into = (names) => `^(\\.\\./)+(${names.join('|')})(/|\\.js$)`;
/** The domain functions both faces call. */
const DOMAIN = ['catalog', 'clients', 'issuance', 'keys', 'presentation', 'status', 'verification'];
/** What sits above the domain: the faces, the pages, the CLI wallet (a client over HTTP). */
const FACES = ['http', 'cli', 'web', 'wallet'];
/** The composition root: building, booting and running the app, and its scheduled jobs. */
const COMPOSITION = ['app', 'server', 'boot', 'cluster', 'purge-expired-state'];
/** Pure modules shared with browser code (src/web imports them; they import only each other and formats). */
const SHARED_WITH_BROWSER = ['formats', 'holder', 'verdict'];
const NODE_BUILT_INS = { group: ['node:*'], message: 'browser code cannot use Node built-ins' };
const restrictImports = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const layering = [
  {
    // The domain never imports a face, a page, the CLI wallet or the composition root.
    files: DOMAIN.map((d) => `src/${d}/**`),
    rules: restrictImports(
      { regex: into(FACES), message: 'the domain never imports http, cli, web or the CLI wallet: they call the domain, not the other way' },
      { regex: into(COMPOSITION), message: "the domain never imports the app's composition root: take what you need as a parameter" },
    ),
  },
  {
    // The store holds repositories and migrations; the domain uses it, never the reverse.
    files: ['src/store/**'],
    rules: restrictImports({
      regex: into([...DOMAIN, ...FACES, ...COMPOSITION]),
      message: 'the store imports no domain module (and nothing above the domain)',
    }),
  },
  {
    // The HTTP face: routes over the domain; it does not reach into the other face or the pages.
    files: ['src/http/**'],
    rules: restrictImports({
      regex: into(['cli', 'web', 'wallet']),
      message: 'http is a face over the domain: it does not import cli, web or the CLI wallet',
    }),
  },
  {
    // The CLI face: commands over the domain (and server.ts for `serve`), not over HTTP routes.
    files: ['src/cli/**'],
    rules: restrictImports({
      regex: into(['http', 'web']),
      message: 'cli is a face over the domain: call the domain function the route calls, not the route',
    }),
  },
  {
    // The CLI wallet is a holder talking to the service over HTTP: only keys, formats, holder.
    files: ['src/wallet/**'],
    rules: restrictImports({
      regex: into(['http', 'cli', 'web', 'store', ...DOMAIN.filter((d) => d !== 'keys'), ...COMPOSITION]),
      message: 'the CLI wallet is a client: it talks to the service over HTTP and shares only keys, formats and src/holder',
    }),
  },
  {
    // Browser code (pages sit at src/web/<page>/*.ts): its own folder and the pure shared modules only.
    files: ['src/web/**'],
    rules: restrictImports(
      NODE_BUILT_INS,
      {
        regex: `^\\.\\./\\.\\./(?!(${SHARED_WITH_BROWSER.join('|')})/|\\.\\./)`,
        message: 'browser code imports no server module: share through a pure module (src/holder, src/verdict, src/formats)',
      },
      { regex: '^(\\.\\./){3,}', message: 'browser code imports nothing outside src/' },
    ),
  },
  {
    // The pure shared modules (files at src/<folder>/*.ts) import only each other and formats.
    files: ['src/holder/**', 'src/verdict/**'],
    rules: restrictImports(
      NODE_BUILT_INS,
      {
        regex: `^\\.\\./(?!(${SHARED_WITH_BROWSER.join('|')})/|\\.\\./)`,
        message: 'src/holder and src/verdict are shared with browser code: they import only each other and src/formats',
      },
      { regex: '^(\\.\\./){2,}', message: 'src/holder and src/verdict import nothing outside src/' },
    ),
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'keys/**', 'test-results/**', 'src/web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
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
      // (Its import rule, no Node built-ins and no server module, is in the layering blocks below.)
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require'],
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'build DOM with h() and text nodes' },
        { property: 'outerHTML', message: 'build DOM with h() and text nodes' },
        { property: 'insertAdjacentHTML', message: 'build DOM with h() and text nodes' },
        { object: 'document', property: 'write', message: 'build DOM with h() and text nodes' },
      ],
    },
  },
  ...layering,
  // --- Formats are pure (DESIGN.md "Which way imports run", issue 15) -----------------------
  // src/formats/** imports nothing from src outside src/formats: no store, status domain, keys
  // module, clock, errors or HTTP (packages such as jose and node: built-ins are fine). One block
  // per folder depth, because the imports are relative: from src/formats/<a>/<b>.ts, `../../x`
  // is already outside. Self-contained so that other layering blocks can sit beside it.
  ...[1, 2, 3].map((depth) => ({
    files: [`src/formats/${'*/'.repeat(depth - 1)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: `^(\\.\\./){${depth}}`, message: 'formats are pure: import only from src/formats (and packages)' }],
        },
      ],
    },
  })),
  {
    // The config module, the entry points and tests may read the environment.
    files: ['src/config.ts', 'src/server.ts', 'src/cli/**', 'test/**', 'scripts/**', 'bench/**', 'bin/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
