// Lint rules, chiefly the layering of DESIGN.md section 2 as import zones.
import tseslint from 'typescript-eslint';

// Bare builtin names are matched exactly (`paths`), so a local './events' module is not caught.
const NODE_BUILTIN_NAMES = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'util', 'stream', 'events', 'module', 'worker_threads'];
const NODE_BUILTINS = ['node:*'];
const UI_PACKAGES = ['electron', 'react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*', 'monaco-editor', 'monaco-editor/*', '@monaco-editor/*'];

const restrict = (patterns, pathMessage = 'Only src/host and src/cli may use Node APIs: take a host interface instead.') => [
  'error',
  { patterns, paths: NODE_BUILTIN_NAMES.map((name) => ({ name, message: pathMessage })) },
];
const group = (names, message) => ({ group: names, message });
const regex = (re, message) => ({ regex: re, message });

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'reports/**', 'test-results/**', 'playwright-report/**', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The engine: no Node, DOM, Electron or React; no reaching into hosts or CLIs.
    files: ['src/common/**', 'src/api/**', 'src/block/**', 'src/qemu-io/**', 'src/nbd/**', 'src/session/**'],
    rules: {
      'no-restricted-imports': restrict([
        group(NODE_BUILTINS, 'Only src/host and src/cli may use Node APIs: take a host interface instead.'),
        group(UI_PACKAGES, 'The engine knows nothing of Electron or React.'),
        regex('(^|/)(host|cli)(/|$)', 'The engine may not import src/host or src/cli.'),
        regex('(^|/)(main|renderer)(/|$)', 'The engine may not import the app.'),
      ]),
    },
  },
  {
    // A driver never imports another driver: children are reached through src/block's gateway.
    files: ['src/block/drivers/*/**'],
    rules: {
      'no-restricted-imports': restrict([
        group(NODE_BUILTINS, 'Drivers use the BlockHost interface, not Node APIs.'),
        group(UI_PACKAGES, 'The engine knows nothing of Electron or React.'),
        regex('^\\.\\./(?!\\.)', 'A driver may not import another driver; go through BdrvChild.'),
        regex('drivers/', 'A driver may not import another driver; go through BdrvChild.'),
      ]),
    },
  },
  {
    // The renderer sees only the typed contract and the tiny common helpers.
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': restrict([
        group(NODE_BUILTINS, 'The renderer runs in a browser sandbox.'),
        group(['electron'], 'The renderer talks to the engine only through src/api.'),
        regex('src/(block|qemu-io|session|host|cli)(/|$)', 'The renderer may import only src/api and src/common.'),
      ]),
    },
  },
  {
    // main/ is a thin shell: session facade, api and host only.
    files: ['main/**'],
    rules: {
      'no-restricted-imports': restrict([
        group(['react', 'react-dom', 'zustand', 'monaco-editor'], 'main/ is the Electron shell, not UI.'),
        regex('src/(block|qemu-io)(/|$)', 'main/ imports only src/session, src/api and src/host.'),
        regex('(^|/)renderer(/|$)', 'main/ may not import the renderer.'),
      ]),
    },
  },
);
