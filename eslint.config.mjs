// Type-aware lint for the whole workspace. Layer tags (package.json `nx.tags`) and
// @nx/enforce-module-boundaries keep dependencies pointing one way (DESIGN.md):
// core <- kernels <- {ingest, dedupe, filter, curriculum} <- trainer <- cli.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { createProjectGraphAsync } from 'nx/src/devkit-exports.js';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries reads the project graph that Nx caches in .nx/workspace-data and
// skips itself (a warning, no errors) when there is none, and misses new projects and package entries
// when it is stale. `nx run-many -t lint` refreshes it before running tasks; a plain `eslint` call
// (fresh clone, editor, pre-commit) refreshes it here (in-process, about a second).
if (!process.env.NX_TASK_TARGET_PROJECT) await createProjectGraphAsync({ exitOnError: false });

/** Which layer may import which (STYLE.md item 1). Stages may use each other (curriculum reuses filter signals). */
const depConstraints = [
  { sourceTag: 'layer:core', onlyDependOnLibsWithTags: ['layer:core'] },
  { sourceTag: 'layer:kernel', onlyDependOnLibsWithTags: ['layer:core', 'layer:kernel'] },
  { sourceTag: 'layer:stage', onlyDependOnLibsWithTags: ['layer:core', 'layer:kernel', 'layer:stage'] },
  { sourceTag: 'layer:trainer', onlyDependOnLibsWithTags: ['layer:core', 'layer:kernel', 'layer:stage', 'layer:trainer'] },
  { sourceTag: 'layer:app', onlyDependOnLibsWithTags: ['layer:core', 'layer:kernel', 'layer:stage', 'layer:trainer', 'layer:app'] },
];

/** @param {string[]} allow imports exempt from the rule */
const moduleBoundaries = (allow) => ['error', { enforceBuildableLibDependency: false, allow, depConstraints }];

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
        // each file is checked with the tsconfig.json nearest to it: libs/<x> and apps/cli (solution
        // files over tsconfig.lib.json + tsconfig.spec.json), test/tsconfig.json, bench/tsconfig.json
        projectService: {
          allowDefaultProject: ['*.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // CommonJS output: stage modules are loaded by path with require()
      '@typescript-eslint/no-require-imports': 'off',
      // one public entry per library (STYLE.md item 2): `@winnow/x` or its `./node` subpath, never
      // `@winnow/x/src/...` or `@winnow/x/dist/...`; relative paths into another project are caught by
      // @nx/enforce-module-boundaries ("Projects cannot be imported by a relative or absolute path")
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@winnow/[^/]+/(?!(?:node|package\\.json)$).+',
              message:
                "Import another winnow package only through its public entry ('@winnow/x' or '@winnow/x/node'), never its internals.",
            },
          ],
        },
      ],
      '@nx/enforce-module-boundaries': moduleBoundaries([]),
    },
  },
  {
    // test/ and bench/ may use the sample builders' helpers in datasets/scripts (not an Nx project)
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(['^(\\.\\./)+datasets/scripts/']) },
  },
  {
    // datasets/scripts has no tsconfig.json of its own: test/tsconfig.json includes it
    files: ['datasets/scripts/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: ['./test/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // libraries take a logger (STYLE.md item 9); apps/, bench/, datasets/scripts/ and test/ may use the console
    files: ['libs/**/*.ts', 'libs/**/*.js', 'libs/**/*.cjs', 'libs/**/*.mjs'],
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
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
  },
  prettier,
);
