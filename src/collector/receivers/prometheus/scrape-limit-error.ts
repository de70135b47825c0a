/** A scrape failed because the target broke a limit: which one (its configuration key), and Prometheus's message. */
export type ScrapeLimit =
  | 'body_size_limit'
  | 'sample_limit'
  | 'label_limit'
  | 'label_name_length_limit'
  | 'label_value_length_limit'
  | 'target_limit'
  /** the runtime's own bound on one exposition line (line-chunker.ts) */
  | 'max_line_size';

export class ScrapeLimitError extends Error {
  constructor(
    readonly limit: ScrapeLimit,
    message: string,
  ) {
    super(message);
    this.name = 'ScrapeLimitError';
  }
}
