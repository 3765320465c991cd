/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  testTimeout: 120_000,
  // Workflow tests each start a real dev server: run a few files at once, not one per core plus.
  maxWorkers: 2,
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.tools'],
};
