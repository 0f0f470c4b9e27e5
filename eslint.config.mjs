// Type-aware lint for the whole workspace. Layer tags (package.json `nx.tags`) and
// @nx/enforce-module-boundaries keep dependencies pointing one way (DESIGN.md):
// core <- kernels <- {ingest, dedupe, filter, curriculum} <- trainer <- cli.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/coverage/**', 'datasets/**/shards/**', 'out/**', '.gpu/**'],
  },
  { plugins: { '@nx': nx } },
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.ts', 'bench/*.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // CommonJS output: stage modules are loaded by path with require()
      '@typescript-eslint/no-require-imports': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'layer:core', onlyDependOnLibsWithTags: ['layer:core'] },
            { sourceTag: 'layer:kernel', onlyDependOnLibsWithTags: ['layer:core', 'layer:kernel'] },
            { sourceTag: 'layer:stage', onlyDependOnLibsWithTags: ['layer:core', 'layer:kernel', 'layer:stage'] },
            { sourceTag: 'layer:trainer', onlyDependOnLibsWithTags: ['layer:core', 'layer:kernel', 'layer:stage', 'layer:trainer'] },
            { sourceTag: 'layer:app', onlyDependOnLibsWithTags: ['layer:core', 'layer:kernel', 'layer:stage', 'layer:trainer', 'layer:app'] },
          ],
        },
      ],
    },
  },
  {
    // libraries take a logger; only apps, scripts, benchmarks and tests write to the console
    files: ['libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  prettier,
);
