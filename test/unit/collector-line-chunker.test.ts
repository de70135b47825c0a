import { describe, expect, it } from 'vitest';
import { LineChunker } from '../../src/collector/receivers/prometheus/line-chunker.js';

function chunked(chunks: Buffer[]): string[] {
  const pieces: string[] = [];
  const chunker = new LineChunker((text) => pieces.push(text));
  for (const chunk of chunks) chunker.write(chunk);
  chunker.end();
  return pieces;
}

describe('cutting a byte stream at line ends', () => {
  it('hands on whole lines only, carrying a split line and a split character to the next piece', () => {
    const text = 'a{x="é"} 1\nb{y="日本"} 2\nc 3';
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const pieces = chunked([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces.slice(0, -1)) expect(piece.endsWith('\n')).toBe(true);
    }
  });

  it('hands a stream without any newline on at its end, and nothing for an empty stream', () => {
    expect(chunked([Buffer.from('m 1'), Buffer.from('2')])).toEqual(['m 12']);
    expect(chunked([])).toEqual([]);
  });
});
