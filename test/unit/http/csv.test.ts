import fc from 'fast-check';
import { csvField, parseCsv, toCsv } from '../../../src/http/csv';

describe('CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes, with CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', 'plain']])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",plain\r\n');
  });

  it('defuses spreadsheet formulas at the start of a field', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@me')).toBe("'@me");
    expect(csvField('1.5')).toBe('1.5');
  });

  it('parses back what it writes', () => {
    const safeText = fc.string().filter((text) => !/^[=+\-@\t\r]/.test(text));
    fc.assert(
      fc.property(fc.array(fc.array(safeText, { minLength: 3, maxLength: 3 }), { maxLength: 5 }), (rows) => {
        expect(parseCsv(toCsv(['h1', 'h2', 'h3'], rows))).toEqual([['h1', 'h2', 'h3'], ...rows]);
      }),
    );
  });
});
