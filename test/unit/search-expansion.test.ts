import { describe, expect, it } from 'vitest';
import {
  closestWord,
  editDistance,
  isLetterWord,
  matchWord,
  compoundTail,
  MAX_EXPANSION,
  rankedQuery,
  typoBudget,
  type Vocabulary,
  wordQuery,
} from '../../src/domain/products/products.search.js';

function vocabulary(terms: string[]): Vocabulary {
  const sorted = [...terms].sort();
  return {
    has: (t) => sorted.includes(t),
    withPrefix: (stem, limit) => sorted.filter((t) => t.startsWith(stem)).slice(0, limit + 1),
    letterTerms: () => sorted.filter(isLetterWord),
  };
}

describe('typo rules', () => {
  it('allow one typo from 5 letters and two from 9', () => {
    expect([typoBudget('lax'), typoBudget('lime'), typoBudget('storm'), typoBudget('kycklingf')]).toEqual([
      0, 0, 1, 2,
    ]);
  });

  it('count a transposition and a wrong first letter as one typo each', () => {
    expect(editDistance('straopram', 'staropram', 2)).toBe(1);
    expect(editDistance('pernoi', 'peroni', 2)).toBe(1);
    expect(editDistance('lietz', 'leitz', 2)).toBe(1);
    expect(editDistance('feier', 'fever', 2)).toBe(1);
    expect(editDistance('bryggkaffe', 'tryggkaffe', 2)).toBe(1);
    expect(editDistance('taisk', 'talisk', 2)).toBe(1);
  });

  it('carry nothing over from one comparison to the next (the rows are reused)', () => {
    expect(editDistance('matlagningsgradde', 'matlagningsgradde', 2)).toBe(0);
    expect(editDistance('zzzz', 'abcdefgh', 1, true)).toBe(2);
    expect(editDistance('vispgrädde'.repeat(10), 'vispgrädde'.repeat(10), 2)).toBe(0);
    expect(editDistance('lietz', 'leitz', 2)).toBe(1);
    expect(editDistance('fev', 'feverish', 1, true)).toBe(0);
  });

  it('stop counting above the budget and measure against prefixes when asked', () => {
    expect(editDistance('abcdef', 'uvwxyz', 1)).toBe(2);
    expect(editDistance('kyklin', 'kycklingfil', 1, true)).toBe(1);
    expect(editDistance('kyklin', 'kycklingfil', 1)).toBe(2);
  });
});

describe('matching a word against the catalog vocabulary', () => {
  const vocab = vocabulary([
    'vispgradd',
    'matlagningsgradd',
    'gradd',
    'graddfil',
    'mjolk',
    'standardmjolk',
    'mellanmjolk',
    'kycklingfil',
    'laxfil',
    'fil',
    'talisk',
    'storm',
    'frost',
    's07',
  ]);

  it('finds the word, its prefixes, compounds containing it and near misses, each in its own tier', () => {
    expect(matchWord(vocab, 'gradde', 'gradd', false)).toEqual({
      word: 'gradde',
      exact: ['gradd'],
      prefix: ['graddfil'],
      prefixAll: null,
      compound: ['vispgradd', 'matlagningsgradd'],
      typo1: [],
      typo2: [],
    });
    expect(matchWord(vocab, 'mjolk', 'mjolk', false).compound).toEqual(['mellanmjolk', 'standardmjolk']);
    expect(matchWord(vocab, 'file', 'fil', false).compound).toEqual(['laxfil', 'graddfil', 'kycklingfil']);
    expect(matchWord(vocab, 'kyklingfile', 'kyklingfil', false).typo1).toEqual(['kycklingfil']);
    expect(matchWord(vocab, 'taisker', 'taisk', false).typo1).toEqual(['talisk']);
  });

  it('needs a compound head of three letters: "ost" is no part of "frost"', () => {
    expect(matchWord(vocabulary(['frost', 'kompost']), 'ost', 'ost', false).compound).toEqual(['kompost']);
  });

  it('matches a compound by the stem its tail takes inside it: "bar" in blåbär (lexeme blab)', () => {
    const berries = vocabulary(['bar', 'blab', 'hallonbar', 'kebab']);
    expect(matchWord(berries, 'bar', 'bar', false).compound).toEqual(['hallonbar']);
    expect(matchWord(berries, 'bar', 'bar', false, compoundTail('anab')).compound).toEqual([
      'blab',
      'kebab',
      'hallonbar',
    ]);
    // Still being typed and no catalog word: a beginning, not a tail ("cha" → ch would match scotch).
    expect(matchWord(vocabulary(['scotch']), 'cha', 'cha', true, compoundTail('anach')).compound).toEqual([]);
    expect(matchWord(berries, 'bar', 'bar', true, compoundTail('anab')).compound).toContain('blab');
    expect(compoundTail('bar')).toBeNull();
    expect(compoundTail('ana')).toBeNull();
  });

  it('allows no typo in short words and looks among prefixes only for the word being typed', () => {
    expect(matchWord(vocab, 'stom', 'stom', true).typo1).toEqual([]);
    expect(matchWord(vocab, 'kyklin', 'kyklin', false).typo1).toEqual([]);
    expect(matchWord(vocab, 'kyklin', 'kyklin', true).typo1).toEqual(['kycklingfil']);
  });

  it('keeps numbers, short stems and broad stems as prefixes, and drops stop words', () => {
    expect(matchWord(vocab, '70cl', null, false).prefixAll).toBe('70cl');
    expect(matchWord(vocab, 'ko', 'ko', false).prefixAll).toBe('ko');
    const broad = vocabulary(Array.from({ length: MAX_EXPANSION + 1 }, (_, i) => `kor${'a'.repeat(i + 1)}`));
    expect(matchWord(broad, 'kor', 'kor', false)).toMatchObject({ prefixAll: 'kor', exact: [], prefix: [] });
    expect(wordQuery(matchWord(vocab, 'och', null, false)).full).toBeNull();
  });

  it('matches a whole number followed by another word as itself, and the one being typed as a prefix', () => {
    expect(matchWord(vocab, '1', null, false)).toMatchObject({ exact: ['1'], prefixAll: null });
    expect(wordQuery(matchWord(vocab, '73', null, false)).full).toBe("('73')");
    expect(matchWord(vocab, '73', null, true)).toMatchObject({ exact: [], prefixAll: '73' });
  });

  it('knows without a query that a word of three letters and more that begins no lexeme matches nothing', () => {
    const withCode = vocabulary(['abc123x', 'kycklingfil']);
    expect(matchWord(withCode, 'abc12', null, false).prefixAll).toBe('abc12');
    expect(wordQuery(matchWord(withCode, 'xqzv18', null, false)).full).toBeNull();
    expect(matchWord(withCode, 'ab1', null, false).prefixAll).toBe('ab1');
  });
});

describe('combining words into one query', () => {
  const w = (word: string, exact: string[], typo1: string[] = []) =>
    wordQuery({ word, exact, prefix: [], prefixAll: null, compound: [], typo1, typo2: [] });

  it('ANDs the words, keeps typos out of the strict query and quotes lexemes as tsquery literals', () => {
    const q = rankedQuery([w('o', ["o'hara"]), w('storm', ['storm'], ['stor'])], [])!;
    expect(q.full).toBe("(('o''hara') & ('storm' | 'stor'))");
    expect(q.strict).toBe("(('o''hara') & ('storm'))");
    expect(q.phrase).toBe("(('o''hara') <-> ('storm' | 'stor'))");
    expect(q.inName).toBe("(('o''hara':A) & ('storm':A | 'stor':A))");
    expect(q.relaxedTo).toBeNull();
  });

  it('looks for compound and typo matches through those alternatives alone, one word at a time', () => {
    const q = rankedQuery([w('pagen', ['pag'], ['bag', 'lag']), w('tunna', ['tunn'], ['tonn'])], [])!;
    expect(q.typo).toBe("((('bag' | 'lag') & ('tunn' | 'tonn')) | (('pag' | 'bag' | 'lag') & ('tonn')))");
    expect(q.compound).toBeNull();
    expect(rankedQuery([w('pagen', ['pag']), w('tunna', ['tunn'])], [])!.typo).toBeNull();
    const relaxed = rankedQuery(
      [w('pagen', ['pag'], ['bag']), w('tunna', ['tunn']), w('fryst', ['fryst'])],
      [],
      2,
    )!;
    expect(relaxed.typo).toBe("((('bag') & ('tunn')) | (('bag') & ('fryst')))");
    const gradde = wordQuery({
      word: 'gradde',
      exact: ['gradd'],
      prefix: [],
      prefixAll: null,
      compound: ['vispgrad'],
      typo1: ['grad'],
      typo2: [],
    });
    const withCompound = rankedQuery([gradde, w('arla', ['arla'])], [])!;
    expect(withCompound.compound).toBe("(('vispgrad') & ('arla'))");
    expect(withCompound.typo).toBe("(('grad') & ('arla'))");
  });

  it('lets two words match as the compound they form', () => {
    const q = rankedQuery([w('kyckling', ['kyckling']), w('file', ['fil'])], [['kycklingfil']])!;
    expect(q.full).toBe("(('kyckling') & ('fil') | ('kycklingfil'))");
  });

  it('relaxes to any k of the words, and gives up on words that match nothing', () => {
    const words = [w('taisker', [], ['talisk']), w('storm', ['storm']), w('xqz', [])];
    expect(rankedQuery(words, [])).toBeNull();
    const relaxed = rankedQuery(words, [], 2)!;
    expect(relaxed.full).toBe("(('talisk') & ('storm'))");
    expect(relaxed.relaxedTo).toBe(2);
    expect(rankedQuery(words, [], 1)!.full).toBe("(('talisk') | ('storm'))");
  });
});

describe('leaving broad prefixes to a check of each row', () => {
  const many = vocabulary(['mango', 'marin', 'mellan', 'mjolk', 'mos', 'muffin', 'mus', 'mynt', 'madr', 'storlek']);

  it('keeps a one-letter prefix of many lexemes out of the index scan while another word narrows it', () => {
    const m = matchWord(many, 'm', 'm', true);
    expect(m).toMatchObject({ prefixAll: 'm', broad: true });
    const q = rankedQuery([wordQuery(matchWord(many, 'storlek', 'storlek', false)), wordQuery(m)], [])!;
    expect(q.strict).toBe("(('storlek') & ('m':*))");
    expect(q.scan.strict).toBe("('storlek')");
    expect(rankedQuery([wordQuery(m)], [])!.scan.strict).toBe("('m':*)");
  });

  it('keeps a short prefix of few lexemes in the index: it is selective', () => {
    expect(matchWord(many, 'ia', 'ia', true).broad).toBe(false);
    const q = rankedQuery(
      [wordQuery(matchWord(many, 'storlek', 'storlek', false)), wordQuery(matchWord(many, 'ia', 'ia', true))],
      [],
    )!;
    expect(q.scan.strict).toBe(q.strict);
  });
});

describe('did you mean', () => {
  it('takes the closest word of the product found', () => {
    expect(closestWord('taisker', 'Talisker Storm Single Malt 45,8% 70cl')).toBe('talisker');
    expect(closestWord('pernoi', 'Peroni Nastro Azzurro 33cl')).toBe('peroni');
  });
});
