// Type errors fail `npm test` through `tsc --noEmit`; jest only transpiles, per file, with swc
// (@swc/jest): on a fresh clone, where jest's transform cache is empty, the unit project took 73 s
// of CPU instead of ts-jest's 109 (83 with ts-jest's cache warm).
// jest 29 reads a TypeScript config through ts-node (a devDependency for that alone).
import { availableParallelism } from 'node:os';
import type { Config } from 'jest';

// The target of tsconfig.json (ES2022: native class fields, as tsc emits them); jest loads CommonJS.
const transform: Config['transform'] = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' }],
};

const config: Config = {
  // Most of an integration or browser test's time is spent waiting on the regtest nodes, the
  // database, kibble's child processes and chromium, not computing: jest's default (cores - 1,
  // one worker in band on 2 cores) leaves the cores idle. One worker per core, not more: with the
  // DocumentDB pass beside it (.ci/run) three files run at once on 2 cores, and the slowest files
  // (kibble serve, the walkthrough) must still start within their limits. Every file has its own database, nodes,
  // ports and folders (test/support/), so files can run side by side.
  maxWorkers: Math.max(2, availableParallelism()),
  // Integration tests start servers, mine blocks and spawn kibble processes; unit tests finish far
  // below this. Files run side by side (maxWorkers) on a shared machine: a test that takes 20 s
  // alone can take three times that under load, which is not what a test checks.
  testTimeout: 120_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // Browser tests: Debian's chromium (playwright-core) against the real database and regtest node.
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};

export default config;
