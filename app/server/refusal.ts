/**
 * Thrown inside a transaction to roll it back and hand a refusal (a 4xx result) to the caller, which catches it
 * and returns `refusal` instead of writing anything.
 */
export class Refused<T> extends Error {
  constructor(readonly refusal: T) {
    super('refused');
  }
}
