// @ts-check
// typescript-eslint, type-aware (the project service reads tsconfig.json), over src, scripts,
// test and bin. `npm test` runs it with --max-warnings 0: a finding fails the suite.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', '.dist-test-*/', 'coverage/', '.cache/', '.data/', 'artifacts/', 'node_modules/'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Money steps are async: an unawaited promise is a bug, never a style choice.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Numbers and bigints print exactly; undefined, null and objects in a message stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Noise here: mongoose schema definitions are object literals typed as SchemaTypeOptions.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Noise here: `(resolve) => server.close(resolve)` style shorthands are the idiom of the code.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // The validators reject control characters by regular expression on purpose.
      'no-control-regex': 'off',
      // Strings are spread into code points on purpose (base58 text, title length in characters).
      '@typescript-eslint/no-misused-spread': 'off',
      // `const { secret: _unused, ...rest } = x` is how a field is left out.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // In a test a wrong `!` fails at its line, which is what a test is for.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // supertest's `body` and jest's asymmetric matchers (expect.any, ...) are typed any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Fakes implement async interfaces with answers they already have.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript outside the TypeScript project: syntax rules only, no type information.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // CommonJS run by node itself: the launcher and the build script.
    files: ['bin/**/*.js', 'scripts/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/http/pages/static/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', navigator: 'readonly', window: 'readonly', Element: 'readonly', HTMLFormElement: 'readonly' },
    },
  },
);
