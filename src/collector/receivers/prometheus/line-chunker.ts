/**
 * Turns a byte stream of UTF-8 text into strings that each end at a line end (the last may not). Cut on bytes,
 * before decoding: a newline byte is never part of a multi-byte character, and each piece decodes to one flat
 * string, which the exposition scanner indexes far faster than a concatenation or a slice of one.
 *
 * A line not yet ended is kept as the pieces it arrived in (joined once, when its end comes), and may not grow past
 * `maxLineBytes`: a target that sends one endless line costs at most that much, never the whole line.
 */
import { ScrapeLimitError } from './scrape-limit-error.js';

const NEWLINE = 0x0a;

/** The longest exposition line the runtime reads (its own limit; Prometheus reads the whole body first). */
export const MAX_LINE_BYTES = 1024 * 1024;

export class LineChunker {
  private carried: Buffer[] = [];
  private carriedBytes = 0;

  constructor(
    private readonly onText: (text: string) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  write(chunk: Buffer): void {
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      this.carry(chunk);
      return;
    }
    if (this.carried.length > 0) {
      const firstNewline = chunk.indexOf(NEWLINE);
      this.checkLength(this.carriedBytes + firstNewline);
    }
    const ended = chunk.subarray(0, lastNewline + 1);
    const bytes = this.carried.length === 0 ? ended : Buffer.concat([...this.carried, ended]);
    this.carried = [];
    this.carriedBytes = 0;
    // the rest is copied: a slice would keep the whole chunk alive for as long as the line waits for its end
    if (lastNewline < chunk.length - 1) this.carry(Buffer.from(chunk.subarray(lastNewline + 1)));
    this.onText(bytes.toString('utf8'));
  }

  end(): void {
    const rest = this.carried;
    this.carried = [];
    this.carriedBytes = 0;
    if (rest.length > 0) this.onText(Buffer.concat(rest).toString('utf8'));
  }

  private carry(piece: Buffer): void {
    this.checkLength(this.carriedBytes + piece.length);
    this.carried.push(piece);
    this.carriedBytes += piece.length;
  }

  private checkLength(bytes: number): void {
    if (bytes > this.maxLineBytes) {
      this.carried = [];
      this.carriedBytes = 0;
      throw new ScrapeLimitError(
        'max_line_size',
        `an exposition line is longer than ${this.maxLineBytes} bytes (the bundled runtime's limit)`,
      );
    }
  }
}
