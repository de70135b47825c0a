// Flat config: typescript-eslint's recommended rules, plus the project's rule that only the composition root
// (src/system.ts) and the CLI entry (src/cli/main.ts) touch process.env or process.exit.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const processRestrictions = [
  { object: 'process', property: 'exit', message: 'Return an exit status; src/cli/main.ts maps it.' },
  {
    object: 'process',
    property: 'env',
    message: 'Take values as parameters; only src/cli/main.ts and src/system.ts read the environment.',
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.adot-sandbox/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/main.ts', 'src/system.ts'],
    rules: { 'no-restricted-properties': ['error', ...processRestrictions] },
  },
);
