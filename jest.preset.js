// Shared jest settings: tests import TypeScript source through the "@winnow/source"
// export condition (no build needed), transformed by swc.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@winnow/source', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/*.spec.ts'],
  testTimeout: 120000,
  reporters: ['default', require('node:path').join(__dirname, 'scripts/jest-count-reporter.js')],
};
