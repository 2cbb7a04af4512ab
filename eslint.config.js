// Layering is the architecture: engine/ is generic and must never learn about the billing app,
// and domain/ is an ordinary application that must not know it is being simulated.
import tseslint from 'typescript-eslint';

const repoDirs = (dirs) =>
  dirs.flatMap((d) => [`**/${d}`, `**/${d}/**`, `../${d}/**`, `../../${d}/**`, `../../../${d}/**`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'snapshots/**', '.sim-tmp/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: repoDirs(['domain', 'scenarios', 'cli']), message: 'engine/ is generic: it must not import domain/, scenarios/ or cli/.' }],
      }],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: repoDirs(['engine', 'scenarios', 'cli', 'snapshots']), message: 'domain/ is the application under simulation: it imports nothing of the repo.' }],
      }],
    },
  },
);
