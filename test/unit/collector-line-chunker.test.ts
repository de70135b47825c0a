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

  it('joins a line that arrives in many pieces once, and fails on a line longer than the limit', () => {
    const pieces: string[] = [];
    const chunker = new LineChunker((text) => pieces.push(text), 10);
    for (const part of ['ab', 'cd', 'ef', 'gh\nij', 'k\n']) chunker.write(Buffer.from(part));
    expect(pieces).toEqual(['abcdefgh\n', 'ijk\n']);
    const strict = new LineChunker(() => undefined, 10);
    strict.write(Buffer.from('12345'));
    expect(() => strict.write(Buffer.from('678901'))).toThrow(/longer than 10 bytes/);
    const ended = new LineChunker(() => undefined, 10);
    ended.write(Buffer.from('1234567'));
    expect(() => ended.write(Buffer.from('8901\nok\n'))).toThrow(/longer than 10 bytes/);
    const exact = new LineChunker((text) => pieces.push(text), 10);
    exact.write(Buffer.from('12345'));
    exact.write(Buffer.from('67890\n'));
    expect(pieces.at(-1)).toBe('1234567890\n');
  });
});
