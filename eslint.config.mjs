// Lint rules that keep the monorepo's shape: services never import services, the schema
// library never imports platform code, and every project is tagged on two axes.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Tests of a platform library may use the shared test infrastructure; its production code may not. */
function moduleBoundaries({ testCode }) {
  const platformMayUse = [
    'type:kernel',
    'type:schema',
    'type:platform',
    ...(testCode ? ['type:testing'] : []),
  ];
  return [
    'error',
    {
      allow: [],
      depConstraints: [
        { sourceTag: 'type:kernel', onlyDependOnLibsWithTags: [] },
        {
          sourceTag: 'type:schema',
          onlyDependOnLibsWithTags: testCode ? ['type:kernel', 'type:testing'] : ['type:kernel'],
        },
        { sourceTag: 'type:platform', onlyDependOnLibsWithTags: platformMayUse },
        {
          sourceTag: 'type:testing',
          onlyDependOnLibsWithTags: ['type:kernel', 'type:schema', 'type:platform', 'type:testing'],
        },
        {
          sourceTag: 'type:service',
          onlyDependOnLibsWithTags: ['type:kernel', 'type:schema', 'type:platform', 'type:testing'],
        },
        { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
        { sourceTag: 'scope:order-intake', onlyDependOnLibsWithTags: ['scope:shared', 'scope:order-intake'] },
        {
          sourceTag: 'scope:production-status',
          onlyDependOnLibsWithTags: ['scope:shared', 'scope:production-status'],
        },
        {
          sourceTag: 'scope:carrier-ingest',
          onlyDependOnLibsWithTags: ['scope:shared', 'scope:carrier-ingest'],
        },
        { sourceTag: 'scope:tracking-api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tracking-api'] },
        { sourceTag: 'scope:notification', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'] },
        {
          sourceTag: 'scope:storefront-sync',
          onlyDependOnLibsWithTags: ['scope:shared', 'scope:storefront-sync'],
        },
      ],
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.data/**',
      'coverage/**',
      'libs/tracking-events/src/generated/**',
    ],
  },
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': moduleBoundaries({ testCode: false }),
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ testCode: true }) },
  },
  {
    // The system test composes every service, which is exactly what the boundaries forbid elsewhere.
    files: ['e2e/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  prettier,
);
