import { afterEach, vi } from 'vitest';

/** A test that logs console.error fails (Epic Stack practice): errors must be asserted, not printed. */
const spy = vi.spyOn(console, 'error');

afterEach(() => {
  const calls = spy.mock.calls;
  if (calls.length > 0) {
    const first = calls[0]?.map(String).join(' ');
    spy.mockClear();
    throw new Error(`console.error was called during the test: ${first}`);
  }
});
