export * from '../../src/stack/test-temporal';
