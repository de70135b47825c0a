/** Where the runtime's log lines go; the app writes them to stderr. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

/**
 * Logs a recurring event (drops, retries) at most once per interval, with how many happened since the last line,
 * so that a flood of bad datagrams cannot flood the log too.
 */
export class ThrottledLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly write: (message: string) => void,
    private readonly intervalMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  log(key: string, message: string): void {
    const time = this.now();
    const entry = this.last.get(key);
    if (entry !== undefined && time - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return;
    }
    const suffix =
      entry !== undefined && entry.suppressed > 0 ? ` (${entry.suppressed} more since the last report)` : '';
    this.last.set(key, { at: time, suppressed: 0 });
    this.write(`${message}${suffix}`);
  }
}
