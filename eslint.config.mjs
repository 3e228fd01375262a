// Lint: typescript-eslint recommended rules plus Nx module boundaries (dependencies point down only).
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/out-tsc/**', '**/.nx/**', '**/.tap/**', '**/generated/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: 'TSEnumDeclaration', message: 'Enums are not erasable syntax; use a const object or a union.' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          banTransitiveDependencies: true,
          depConstraints: [
            { sourceTag: 'type:package', onlyDependOnLibsWithTags: ['type:package'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:package'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:package', 'type:tool'] },
            { sourceTag: 'scope:dslx', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:crd-types', onlyDependOnLibsWithTags: ['scope:dslx'] },
            { sourceTag: 'scope:proxy-core', onlyDependOnLibsWithTags: ['scope:dslx'] },
            { sourceTag: 'scope:ingress-translator', onlyDependOnLibsWithTags: ['scope:crd-types', 'scope:dslx'] },
            { sourceTag: 'scope:leader', onlyDependOnLibsWithTags: [] },
          ],
        },
      ],
    },
  },
  {
    // No import cycles anywhere: a cycle hides which module is the lower layer and breaks initialisation order.
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.mts', '.js', '.mjs'],
          conditionNames: ['@alb/source', 'import', 'node', 'default'],
        }),
      ],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: false }] },
  },
  {
    // Packages are pure libraries: no Kubernetes client, no logger implementation.
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@kubernetes/client-node', message: 'Packages never talk to Kubernetes; do it in an app.' },
            { name: 'pino', message: 'Packages accept a logger interface; only apps create pino loggers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['*.config.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/test/**/*.ts', '**/bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // An app's tests may run a real API server (tools/kube-testenv); the app itself may not depend on a tool.
    files: ['apps/*/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          banTransitiveDependencies: true,
          depConstraints: [{ sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:package', 'type:tool'] }],
        },
      ],
    },
  },
  prettier,
);
