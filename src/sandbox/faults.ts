import type { FaultTarget, SeedFault } from './types.js';

/**
 * Injected faults from the seed's behaviour.faults. Each matching rule fires with its rate, drawn from a small
 * seeded generator (mulberry32) so a failing run can be replayed with behaviour.randomSeed. Hand-written because
 * it is eight lines and the standard library has no seedable generator.
 */
export class FaultInjector {
  private state: number;

  constructor(
    private readonly faults: readonly SeedFault[] = [],
    randomSeed: number = Date.now(),
  ) {
    this.state = randomSeed >>> 0;
  }

  /** the HTTP status to answer with instead of serving the request, or undefined to serve it */
  pick(target: FaultTarget): number | undefined {
    for (const fault of this.faults) {
      if (fault.service !== target.service) continue;
      if (fault.operation !== undefined && fault.operation !== '*' && fault.operation !== target.operation) continue;
      if (fault.verb !== undefined && fault.verb !== '*' && fault.verb !== target.verb) continue;
      if (fault.resource !== undefined && fault.resource !== '*' && fault.resource !== target.resource) continue;
      if (this.next() < fault.rate) return fault.status;
    }
    return undefined;
  }

  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
