export * from '../../src/stack/local-stack';
