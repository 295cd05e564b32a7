import { describe, expect, it } from 'vitest';
import type { OcrLine, OcrWord } from '../../../src/ocr/engine.js';
import { findPhraseHits } from '../../../src/recognition/toolkit/label-phrases.js';
import { associateLabels, type LabelledField } from '../../../src/recognition/toolkit/labelled-values.js';

/** A line of words set 12 px apart on row `y`, 20 px high, from x = `x`; `|` in the text marks a column gap. */
function line(text: string, y: number, x = 0): OcrLine {
  const words: OcrWord[] = [];
  for (const [column, part] of text.split('|').entries()) {
    let left = x + column * 400;
    for (const word of part.trim().split(/\s+/).filter(Boolean)) {
      const bbox = { x0: left, y0: y, x1: left + word.length * 12, y1: y + 20 };
      words.push({ text: word, confidence: 0.9, bbox, symbols: [] });
      left = bbox.x1 + 12;
    }
  }
  const bbox = { x0: words[0]?.bbox.x0 ?? 0, y0: y, x1: words.at(-1)?.bbox.x1 ?? 0, y1: y + 20 };
  return { text: words.map((w) => w.text).join(' '), confidence: 0.9, bbox, words };
}

const hitWords = (hits: ReturnType<typeof findPhraseHits>) =>
  hits.map((h) =>
    h.line.words
      .slice(h.first, h.last + 1)
      .map((w) => w.text)
      .join(' '),
  );

describe('label phrases', () => {
  it('finds a label whose small print blurred a letter or two', () => {
    expect(hitWords(findPhraseHits([line('Place of beth', 0)], ['place of birth'], 'place_of_birth'))).toEqual(['Place of beth']);
    expect(hitWords(findPhraseHits([line('Issued nt', 0)], ['issued at'], 'place_of_issue'))).toEqual(['Issued nt']);
    expect(hitWords(findPhraseHits([line('Issuing muthority', 0)], ['issuing authority'], 'issuing_authority'))).toEqual(['Issuing muthority']);
  });

  it('wants short labels exactly, and never a phrase that lost a word', () => {
    expect(findPhraseHits([line('Sax', 0)], ['sex'], 'sex')).toEqual([]);
    expect(findPhraseHits([line('PASSPORT', 0)], ['passport no'], 'passport_number')).toEqual([]);
  });

  it('joins the languages of one label across a separator, but not two labels side by side', () => {
    expect(hitWords(findPhraseHits([line('Place of birth / Lieu de naissance', 0)], ['place of birth', 'lieu de naissance'], 'f'))).toEqual(['Place of birth / Lieu de naissance']);
    expect(hitWords(findPhraseHits([line('Date of issue Place of issue', 0)], ['place of issue'], 'f'))).toEqual(['Date of issue', 'Place of issue']);
  });

  it('looks loosely only when asked: a second look at labels that did not read', () => {
    expect(findPhraseHits([line('Mace of bark', 0)], ['place of birth'], 'f')).toEqual([]);
    expect(hitWords(findPhraseHits([line('Mace of bark', 0)], ['place of birth'], 'f', { loose: true }))).toEqual(['Mace of bark']);
  });
});

describe('label → value association with phrase labels', () => {
  const capitals = (words: readonly OcrWord[]) => (/^[A-Z]{2,}$/.test(words[0]?.text ?? '') ? { text: words[0]?.text ?? '', used: 1 } : undefined);
  const fields: LabelledField[] = [
    { field: 'date_of_issue', label: ['date of issue'], take: (w) => (/^\d/.test(w[0]?.text ?? '') ? { text: w.map((x) => x.text).join(' '), used: w.length } : undefined) },
    { field: 'place_of_issue', label: ['place of issue'], take: capitals },
  ];

  it('gives each of two near-alike labels on one row its own value', () => {
    const found = associateLabels([line('Date of issue | Place of issue', 0), line('26 JAN 2016 | LUXOR', 30)], fields);
    expect(found.get('date_of_issue')?.text).toBe('26 JAN 2016');
    expect(found.get('place_of_issue')?.text).toBe('LUXOR');
  });

  it('finds a value beside its label on the same row though OCR read the two as separate blocks', () => {
    const found = associateLabels([line('Place of issue', 0), line('LUXOR', 0, 300)], fields, [], { besideGap: 25 });
    expect(found.get('place_of_issue')).toMatchObject({ text: 'LUXOR', placement: 'beside' });
  });

  it("steps over the next column's label that a tilted page sets between a label and its value", () => {
    const found = associateLabels([line('Date of issue', 0), line('Place of issue 11', 22, 400), line('26 JAN 2016', 45), line('LUXOR', 46, 400)], fields);
    expect(found.get('date_of_issue')?.text).toBe('26 JAN 2016');
    expect(found.get('place_of_issue')?.text).toBe('LUXOR');
  });
});
