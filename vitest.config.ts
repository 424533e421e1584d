import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for something to happen (a relay, a render); on a loaded 2-core CI
    // machine that can take longer than the 1 s default. Not a performance bound.
    expect: { poll: { timeout: 10_000 } },
    // Tests start real servers and browsers; two cores do not run many at once well.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
