/**
 * Turns a byte stream of UTF-8 text into strings that each end at a line end (the last may not). Cut on bytes,
 * before decoding: a newline byte is never part of a multi-byte character, and each piece decodes to one flat
 * string, which the exposition scanner indexes far faster than a concatenation or a slice of one.
 */
const NEWLINE = 0x0a;

export class LineChunker {
  private carried: Buffer | undefined;

  constructor(private readonly onText: (text: string) => void) {}

  write(chunk: Buffer): void {
    const bytes = this.carried === undefined ? chunk : Buffer.concat([this.carried, chunk]);
    const lastNewline = bytes.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      this.carried = bytes;
      return;
    }
    this.carried = lastNewline === bytes.length - 1 ? undefined : Buffer.from(bytes.subarray(lastNewline + 1));
    this.onText(bytes.toString('utf8', 0, lastNewline + 1));
  }

  end(): void {
    const rest = this.carried;
    this.carried = undefined;
    if (rest !== undefined) this.onText(rest.toString('utf8'));
  }
}
