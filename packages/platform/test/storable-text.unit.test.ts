import { describe, expect, it } from 'vitest';
import { findUnstorableText } from '../src/sql/storable-text.js';

describe('findUnstorableText: text PostgreSQL cannot hold', () => {
  it('passes any well-formed text, surrogate pairs and control characters other than NUL included', () => {
    for (const text of ['', 'café', '\u{1f600}', '\ud83d\ude00', '\u0001\u001f', 'a\\u0000b']) {
      expect(findUnstorableText(text), JSON.stringify(text)).toBeUndefined();
    }
    expect(findUnstorableText({ a: [1, true, null, { b: 'ok' }], n: 2 })).toBeUndefined();
  });

  it('finds a NUL, and a lone high or low surrogate, saying which', () => {
    expect(findUnstorableText('a\u0000')?.message).toContain('NUL');
    for (const text of ['\ud800', 'x\udbff', '\udc00y', '\ude00\ud83d']) {
      expect(findUnstorableText(text)?.message, JSON.stringify(text)).toContain('lone UTF-16 surrogate');
    }
  });

  it('names the path to the first one, through objects and arrays', () => {
    expect(findUnstorableText({ items: ['ok', { name: 'a\u0000' }], z: '\u0000' }, ['body'])?.path).toEqual([
      'body',
      'items',
      '1',
      'name',
    ]);
  });

  it('finds one in a key, naming the key with its bad characters replaced', () => {
    const found = findUnstorableText({ 'k\u0000': 1 }, ['body']);
    expect(found?.path).toEqual(['body', 'k\ufffd']);
    expect(found?.message).toMatch(/^the field name holds a NUL/);
  });
});
