// Layering is the architecture: engine/ is generic and must never learn about the billing app,
// and domain/ is an ordinary application that must not know it is being simulated.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-plugin-prettier/recommended';

const repoDirs = (dirs) =>
  dirs.flatMap((d) => [`**/${d}`, `**/${d}/**`, `../${d}/**`, `../../${d}/**`, `../../../${d}/**`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'snapshots/**', '.sim-tmp/**', 'coverage/**', 'dist/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      curly: ['error', 'multi-line'],
    },
  },
  {
    // Type-aware rules where a missed await is a real bug: a floating promise in an async-heavy
    // simulator reorders work or swallows a failure.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: repoDirs(['domain', 'scenarios', 'bindings', 'cli']),
              message: 'engine/ is generic: it must not import domain/, bindings/, scenarios/ or cli/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: repoDirs(['engine', 'scenarios', 'bindings', 'cli', 'snapshots']),
              message: 'domain/ is the application under simulation: it imports nothing of the repo.',
            },
          ],
        },
      ],
    },
  },
);
