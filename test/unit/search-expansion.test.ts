import { describe, expect, it } from 'vitest';
import { expandable, expandedMatch, MAX_EXPANSION } from '../../src/domain/products/products.search.js';

describe('expanding search words into catalog lexemes', () => {
  it('ANDs the words and ORs each word’s lexemes, quoting them as tsquery literals', () => {
    expect(
      expandedMatch([
        { stem: 'kyckl', terms: ['kycklingfil', "o'hara"] },
        { stem: 'fryst', terms: ['fryst'] },
      ]),
    ).toEqual({ kind: 'fulltext', config: 'lexemes', tsquery: "('kycklingfil' | 'o''hara') & ('fryst')" });
  });

  it('drops stop words, as to_tsquery does, and gives up when only stop words remain', () => {
    expect(
      expandedMatch([
        { stem: null, terms: [] },
        { stem: 'lok', terms: ['lok'] },
      ]),
    ).toMatchObject({ tsquery: "('lok')" });
    expect(expandedMatch([{ stem: null, terms: [] }])).toBeUndefined();
  });

  it('matches nothing when a word begins no catalog lexeme', () => {
    expect(expandedMatch([{ stem: 'xqz', terms: [] }])).toBe('none');
  });

  it('keeps the prefix query for short stems and for words that begin too many lexemes', () => {
    expect(expandedMatch([{ stem: 'ko', terms: ['kokos'] }])).toBeUndefined();
    const many = Array.from({ length: MAX_EXPANSION + 1 }, (_, i) => `kor${String(i)}`);
    expect(expandedMatch([{ stem: 'kor', terms: many }])).toBeUndefined();
  });

  it('expands letters-only words only', () => {
    expect(expandable(['kyckling', 'fryst'])).toBe(true);
    expect(expandable(['33cl'])).toBe(false);
    expect(expandable([])).toBe(false);
  });
});
