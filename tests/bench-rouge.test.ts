import { describe, expect, it } from 'vitest';
import { porterStem } from '../bench/porter.js';
import { lcsIndices, lead3, rouge, rougeLsum, tokenize, unionLcs } from '../bench/rouge.js';

// Fixtures and expected values from google-research/rouge (Apache-2.0): rouge/testdata/*.txt and
// rouge/rouge_scorer_test.py, whose "ground truth" comes from runs of the official ROUGE-1.5.5.
const TARGETS = [
  "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L",
  "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN",
];
const PREDICTIONS = [
  "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi",
  "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD",
];
const TARGET_MULTI = [
  ...TARGETS,
  "NhETebUbBk'er WOvoHMTjSRizKgH'vHiing Xu,hWxfs VkNE QhgKiLHE -HidivzoM.dO anhtion jbLQiSGDTCsuhREebUaKM dv J dVN tmbOT",
  "vMR HDm,xOAetion D,tion HJtodT.mHl UIv-p VjWH'BdyWjnfGU-OjT aEMdFICyLWfQMtion wEMfdOKing AwkeKbO 'DxqNOHBH qKtVvm OYJl mM",
].join('\n');
const PREDICTION_MULTI = [
  ...PREDICTIONS,
  'xfs VkJE QhgKiLHE -HidivzoM.dO anhing jbLQiSGDTCsuhREebUaKM dv J',
  "VjWH'BdyWjnfGU-OjTNaEMdFICyLWfQMing wEMfdOKijg AwkeKbO 'DxqNO",
].join('\n');

function expectScore(
  actual: { precision: number; recall: number; f1: number },
  expected: [precision: number, recall: number, f1: number],
  digits = 5,
) {
  expect(actual.precision).toBeCloseTo(expected[0], digits);
  expect(actual.recall).toBeCloseTo(expected[1], digits);
  expect(actual.f1).toBeCloseTo(expected[2], digits);
}

describe('rouge-score unit cases', () => {
  it('ROUGE-1, ROUGE-2 and ROUGE-L on short strings', () => {
    expectScore(rouge('testing one two', 'testing').rouge1, [1, 1 / 3, 1 / 2]);
    expectScore(rouge('testing one two', 'testing one').rouge2, [1, 1 / 2, 2 / 3]);
    expectScore(rouge('testing one two', 'testing one').rougeL, [1, 2 / 3, 4 / 5]);
    expectScore(rouge('testing one two', 'testing two').rougeL, [1, 2 / 3, 4 / 5]);
  });

  it('scores an empty prediction or reference as zero', () => {
    for (const scores of [rouge('testing one two', ''), rouge('', 'w1'), rouge('w1 w2 w3 w4 w5', '/')]) {
      for (const s of Object.values(scores)) expectScore(s, [0, 0, 0]);
    }
  });

  it('summary-level LCS is the union LCS of Lin 2004, section 3.2', () => {
    const ref = ['1', '2', '3', '4', '5'];
    const c1 = ['1', '2', '6', '7', '8'];
    const c2 = ['1', '3', '8', '9', '5'];
    expect(unionLcs(ref, [c1, c2])).toEqual(['1', '2', '3', '5']);
    expectScore(rougeLsum([ref], [c1, c2]), [0.4, 0.8, 0.5333], 3);
    expectScore(rouge('w1 w2 w3 w4 w5', 'w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5').rougeLsum, [0.4, 0.8, 0.5333], 3);
    expect(rougeLsum([['reference']], [[]]).recall).toBe(0);
  });

  it('reads back an LCS as rouge-score does', () => {
    expect(lcsIndices(['1', '2', '3', '4', '5'], ['2', '5', '3', '4'])).toEqual([1, 2, 3]);
    expect(lcsIndices(['1', '2', '3', '4', '5'], ['8', '9'])).toEqual([]);
  });
});

describe('agreement with ROUGE-1.5.5', () => {
  const plain = { stem: false };
  it('ROUGE-1', () => {
    expectScore(rouge(TARGETS[0]!, PREDICTIONS[0]!, plain).rouge1, [0.6875, 0.40741, 0.51163]);
    expectScore(rouge(TARGETS[1]!, PREDICTIONS[1]!, plain).rouge1, [0.65385, 0.40476, 0.5]);
  });
  it('ROUGE-1 with stemming', () => {
    expectScore(rouge(TARGETS[0]!, PREDICTIONS[0]!).rouge1, [0.6875, 0.40741, 0.51163]);
    expectScore(rouge(TARGETS[1]!, PREDICTIONS[1]!).rouge1, [0.69231, 0.42857, 0.52941]);
  });
  it('ROUGE-2, with and without stemming', () => {
    for (const options of [plain, {}]) {
      expectScore(rouge(TARGETS[0]!, PREDICTIONS[0]!, options).rouge2, [0.53333, 0.30769, 0.39024]);
      expectScore(rouge(TARGETS[1]!, PREDICTIONS[1]!, options).rouge2, [0.48, 0.29268, 0.36364]);
    }
  });
  it('ROUGE-L', () => {
    expectScore(rouge(TARGETS[0]!, PREDICTIONS[0]!, plain).rougeL, [0.6875, 0.40741, 0.51163]);
    expectScore(rouge(TARGETS[1]!, PREDICTIONS[1]!, plain).rougeL, [0.65385, 0.40476, 0.5]);
  });
  it('ROUGE-Lsum with stemming on multi-sentence texts', () => {
    expectScore(rouge(TARGET_MULTI, PREDICTION_MULTI).rougeLsum, [0.66667, 0.36538, 0.47205]);
  });
});

describe('worked examples of Lin 2004, section 3.1', () => {
  // Reference S1 against S2 and S3; stemming off, as in the paper.
  const s1 = 'police killed the gunman';
  const options = { stem: false };
  it('ROUGE-L prefers in-sequence matches', () => {
    expect(rouge(s1, 'police kill the gunman', options).rougeL.f1).toBeCloseTo(0.75, 10);
    expect(rouge(s1, 'the gunman kill police', options).rougeL.f1).toBeCloseTo(0.5, 10);
  });
  it('ROUGE-2 cannot tell them apart', () => {
    expect(rouge(s1, 'police kill the gunman', options).rouge2.recall).toBeCloseTo(1 / 3, 10);
    expect(rouge(s1, 'the gunman kill police', options).rouge2.recall).toBeCloseTo(1 / 3, 10);
  });
});

describe('tokenize', () => {
  it('lowercases, splits on anything but ASCII letters and digits, stems long words only', () => {
    expect(tokenize("The £600m deal's OK — running", { stem: false })).toEqual([
      'the',
      '600m',
      'deal',
      's',
      'ok',
      'running',
    ]);
    expect(tokenize('The cats were running fast')).toEqual(['the', 'cat', 'were', 'run', 'fast']);
  });
});

describe('porterStem (NLTK extensions mode)', () => {
  it('matches the outputs NLTK documents', () => {
    const words =
      'caresses flies dies mules denied died agreed owned humbled sized meeting stating siezing itemization sensational traditional reference colonizer plotted';
    const stems =
      'caress fli die mule deni die agre own humbl size meet state siez item sensat tradit refer colon plot';
    expect(words.split(' ').map(porterStem).join(' ')).toBe(stems);
  });
  it('follows the steps of Porter 1980', () => {
    const cases: Record<string, string> = {
      ponies: 'poni',
      cats: 'cat',
      feed: 'feed',
      plastered: 'plaster',
      bled: 'bled',
      motoring: 'motor',
      sing: 'sing',
      hopping: 'hop',
      falling: 'fall',
      hissing: 'hiss',
      filing: 'file',
      happy: 'happi',
      relational: 'relat',
      generalizations: 'gener',
      oscillators: 'oscil',
      hopefulness: 'hope',
      adjustment: 'adjust',
      controlling: 'control',
      probate: 'probat',
      rate: 'rate',
      cease: 'ceas',
      skies: 'sky',
      news: 'news',
      enjoy: 'enjoy',
    };
    for (const [word, stem] of Object.entries(cases)) expect(porterStem(word), word).toBe(stem);
  });
});

describe('lead3', () => {
  it('takes the first three body sentences, one per line', () => {
    expect(lead3({ sentences: ['A.', 'B.', 'C.', 'D.'] })).toBe('A.\nB.\nC.');
    expect(lead3({ sentences: ['A.'] })).toBe('A.');
  });
});
