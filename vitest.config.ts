import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: parallel files, but not so many that loopback servers and SQLite compete.
    maxWorkers: 2,
  },
});
