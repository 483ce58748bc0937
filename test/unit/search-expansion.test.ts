import { describe, expect, it } from 'vitest';
import { expandedMatch, isLetterWord, MAX_EXPANSION } from '../../src/domain/products/products.search.js';

describe('expanding search words into catalog lexemes', () => {
  it('ANDs the words and ORs each word’s lexemes, quoting them as tsquery literals', () => {
    expect(
      expandedMatch(
        [
          { word: 'kyckl', stem: 'kyckl', terms: ['kycklingfil', "o'hara"] },
          { word: 'fryst', stem: 'fryst', terms: ['fryst'] },
        ],
        [],
      ),
    ).toEqual({ kind: 'fulltext', config: 'lexemes', tsquery: "('kycklingfil' | 'o''hara') & ('fryst')" });
  });

  it('drops stop words, as to_tsquery does, and gives up when only stop words remain', () => {
    expect(
      expandedMatch(
        [
          { word: 'och', stem: null, terms: [] },
          { word: 'lok', stem: 'lok', terms: ['lok'] },
        ],
        [],
      ),
    ).toEqual({ kind: 'fulltext', config: 'lexemes', tsquery: "('lok')" });
    expect(expandedMatch([{ word: 'och', stem: null, terms: [] }], [])).toBeUndefined();
  });

  it('matches nothing when a word begins no catalog lexeme', () => {
    expect(expandedMatch([{ word: 'xqz', stem: 'xqz', terms: [] }], ['1'])).toBe('none');
  });

  it('keeps numbers, short stems and broad stems as prefixes in the same query', () => {
    const many = Array.from({ length: MAX_EXPANSION + 1 }, (_, i) => `kor${String(i)}`);
    expect(
      expandedMatch(
        [
          { word: 'klass', stem: 'klass', terms: ['klass'] },
          { word: 'ko', stem: 'ko', terms: ['kokos'] },
          { word: 'kor', stem: 'kor', terms: many },
        ],
        ['1'],
      ),
    ).toEqual({
      kind: 'fulltext',
      config: 'lexemes',
      tsquery: "('klass') & 'ko':* & 'kor':* & '1':*",
    });
  });

  it('leaves a query with no expandable word to the plain prefix query', () => {
    expect(expandedMatch([{ word: 'ko', stem: 'ko', terms: ['kokos'] }], ['17'])).toBeUndefined();
  });

  it('expands letter words only', () => {
    expect(isLetterWord('kyckling')).toBe(true);
    expect(isLetterWord('33cl')).toBe(false);
  });
});
