// Entity-tag grammar and comparison (RFC 9110 §8.8.3, §5.6.1, §5.3).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type EntityTag, type EntityTagList, type HeaderValue, parseEntityTag, parseEntityTagList, strongMatch, weakMatch } from './entity-tag.js';

const strong = (opaque: string): EntityTag => ({ weak: false, opaque: `"${opaque}"` });
const weak = (opaque: string): EntityTag => ({ weak: true, opaque: `"${opaque}"` });
const tags = (...list: EntityTag[]): EntityTagList => ({ kind: 'tags', tags: list });
const ANY: EntityTagList = { kind: 'any' };
const MALFORMED: EntityTagList = { kind: 'malformed' };

describe('parseEntityTag (§8.8.3: entity-tag = [ weak ] opaque-tag)', () => {
  const cases: ReadonlyArray<readonly [name: string, value: string, expected: EntityTag | undefined]> = [
    ['a strong tag keeps its quotes', '"abc"', strong('abc')],
    ['W/ marks a weak tag', 'W/"abc"', weak('abc')],
    ['the empty opaque-tag "" is valid (etagc is *)', '""', strong('')],
    ['the empty weak tag W/"" is valid', 'W/""', weak('')],
    ['a comma is an etagc, so "a,b" is one tag', '"a,b"', strong('a,b')],
    ['surrounding OWS (SP, HTAB) is not part of the tag', ' \t"abc"\t ', strong('abc')],
    ['obs-text 0x80-0xFF is an etagc', '"caf\u00e9\u0080\u00ff"', strong('caf\u00e9\u0080\u00ff')],
    ['%x21 and %x7E, the ends of the printable range, are etagc', '"!~"', strong('!~')],
    ['lowercase w/ is malformed (weak = %s"W/", case-sensitive)', 'w/"abc"', undefined],
    ['an unquoted token is malformed', 'abc', undefined],
    ['a missing closing quote is malformed', '"abc', undefined],
    ['a missing opening quote is malformed', 'abc"', undefined],
    ['garbage after the closing quote is malformed', '"abc"x', undefined],
    ['a quote inside the opaque-tag ends it, leaving garbage', '"ab"c"', undefined],
    ['a space inside the quotes is not an etagc', '"a b"', undefined],
    ['HTAB inside the quotes is not an etagc', '"a\tb"', undefined],
    ['NUL inside the quotes is not an etagc', '"a\u0000b"', undefined],
    ['a control character inside the quotes is not an etagc', '"a\u001fb"', undefined],
    ['DEL (0x7F) inside the quotes is not an etagc', '"a\u007fb"', undefined],
    ['a code point above 0xFF is not obs-text', '"\u0100"', undefined],
    ['a non-latin1 character (€) is not obs-text', '"\u20ac"', undefined],
    ['a backslash is an ordinary etagc, not an escape', '"a\\"', strong('a\\')],
    ['OWS between W/ and the quote is malformed', 'W/ "abc"', undefined],
    ['W without the slash is malformed', 'W"abc"', undefined],
    ['"*" is not an entity-tag', '*', undefined],
    ['the empty string is not an entity-tag', '', undefined],
    ['two tags are not one entity-tag', '"a", "b"', undefined],
    ['NBSP is not OWS (§5.6.3), so it is garbage', '\u00a0"abc"', undefined],
    ['a trailing line feed is not OWS', '"abc"\n', undefined],
  ];
  for (const [name, value, expected] of cases) {
    test(name, () => assert.deepEqual(parseEntityTag(value), expected));
  }
});

describe('parseEntityTagList ("*" / #entity-tag, §13.1.1, §13.1.2)', () => {
  const cases: ReadonlyArray<readonly [name: string, header: HeaderValue, expected: EntityTagList | undefined]> = [
    ['an absent field is undefined, not an empty list', undefined, undefined],
    ['"*" alone is any', '*', ANY],
    ['"*" surrounded by OWS is any', ' \t* ', ANY],
    ['"*" as the only field line is any', ['*'], ANY],
    ['one strong tag', '"a"', tags(strong('a'))],
    ['a strong and a weak tag', '"a", W/"b"', tags(strong('a'), weak('b'))],
    ['a comma inside quotes does not split the tag', '"a,b"', tags(strong('a,b'))],
    ['a comma-holding tag followed by another tag', '"a,b", "c"', tags(strong('a,b'), strong('c'))],
    ['OWS and empty members are ignored (§5.6.1.2)', ', "a" ,, "b"', tags(strong('a'), strong('b'))],
    ['HTAB counts as OWS around members', '"a"\t,\t,\t"b"\t,', tags(strong('a'), strong('b'))],
    ['no space after the comma is fine', '"a","b"', tags(strong('a'), strong('b'))],
    ['the empty opaque-tag is a member like any other', '"", W/""', tags(strong(''), weak(''))],
    ['obs-text is allowed in listed tags', '"\u00e9t\u00e9", "\u00ff"', tags(strong('\u00e9t\u00e9'), strong('\u00ff'))],
    ['two field lines form one list (§5.3)', ['"a"', '"b"'], tags(strong('a'), strong('b'))],
    ['field lines that are themselves lists combine in order (§5.3)', ['"a", "b"', 'W/"c"'], tags(strong('a'), strong('b'), weak('c'))],
    ['an empty field line contributes no member', ['', '"a"'], tags(strong('a'))],
    ['field lines read exactly as their comma-joined value (§5.3), as Node joins them', ['"a', 'b"'], tags(strong('a,b'))],
    ['an empty value is a list of no tags', '', tags()],
    ['only commas and OWS is a list of no tags', ' , ,\t', tags()],
    ['no field lines at all is a list of no tags', [], tags()],
    ['"*" followed by a tag is malformed', '*, "a"', MALFORMED],
    ['a tag followed by "*" is malformed', '"a", *', MALFORMED],
    ['"*" on one field line and a tag on another is malformed', ['*', '"a"'], MALFORMED],
    ['"*" twice is malformed', '*, *', MALFORMED],
    ['"**" is malformed', '**', MALFORMED],
    ['tags separated by a space, not a comma, are malformed', '"a" "b"', MALFORMED],
    ['tags with nothing between them are malformed', '"a""b"', MALFORMED],
    ['an unquoted member is malformed', '"a", b', MALFORMED],
    ['an unquoted value is malformed', 'abc', MALFORMED],
    ['lowercase w/ is malformed', 'w/"a"', MALFORMED],
    ['a missing closing quote in the last member is malformed', '"a", "b', MALFORMED],
    ['garbage after a tag is malformed', '"a"x, "b"', MALFORMED],
    ['a space inside the quotes is malformed', '"a b"', MALFORMED],
    ['a control character inside the quotes is malformed', '"a\u0001"', MALFORMED],
    ['DEL inside the quotes is malformed', '"\u007f"', MALFORMED],
    ['a character above 0xFF inside the quotes is malformed', '"\u0394"', MALFORMED],
    ['NBSP around "*" is not OWS, so it is malformed', '\u00a0*', MALFORMED],
    ['a line feed after "*" is not OWS, so it is malformed', '*\n', MALFORMED],
  ];
  for (const [name, header, expected] of cases) {
    test(name, () => assert.deepEqual(parseEntityTagList(header), expected));
  }
});

describe('strong and weak comparison (§8.8.3.2, the example table)', () => {
  const cases: ReadonlyArray<readonly [a: string, b: string, strongResult: boolean, weakResult: boolean]> = [
    ['W/"1"', 'W/"1"', false, true],
    ['W/"1"', 'W/"2"', false, false],
    ['W/"1"', '"1"', false, true],
    ['"1"', '"1"', true, true],
    // Not in the RFC table, but the same rules:
    ['"1"', '"2"', false, false],
    ['""', '""', true, true],
    ['"a"', '"A"', false, false],
  ];
  for (const [a, b, strongResult, weakResult] of cases) {
    const tagA = parseEntityTag(a);
    const tagB = parseEntityTag(b);
    test(`${a} vs ${b}: strong ${strongResult ? 'match' : 'no match'}, weak ${weakResult ? 'match' : 'no match'}`, () => {
      assert.ok(tagA && tagB, 'both fixtures parse');
      assert.equal(strongMatch(tagA, tagB), strongResult);
      assert.equal(weakMatch(tagA, tagB), weakResult);
      // Both comparisons are symmetric.
      assert.equal(strongMatch(tagB, tagA), strongResult);
      assert.equal(weakMatch(tagB, tagA), weakResult);
    });
  }
});
