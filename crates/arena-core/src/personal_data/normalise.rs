//! Other spellings of the characters personal data is written with.
//!
//! `９００１０１－１２３４５６７` in full-width digits, `010–1234–5678` with en dashes, or a phone
//! number with zero-width spaces between its digits reads the same to a person, and to a model, as
//! its ASCII spelling. So [`super::matches`] reads a folded copy of the text: each character that
//! stands for an ASCII one the patterns look at becomes that character, invisible ones vanish, and
//! everything else stays as it is. Every byte of the copy remembers where its character starts in
//! the original, so a match is reported, and scrubbed, as exactly the original span (the
//! full-width digits and the invisible characters between them go with it).
//!
//! What is folded:
//! - **Digits**: the decimal digits of every script (Unicode's `Nd` as of Unicode 14: full-width,
//!   Arabic-Indic, Devanagari, Thai, …, and the mathematical bold, double-struck, sans-serif and
//!   monospace digits U+1D7CE–1D7FF) become `0`–`9`.
//! - **Full-width ASCII** (U+FF01–FF5E): `＠`, `．`, `＋`, `－`, `（`, `）` and the full-width
//!   letters of an e-mail address become ASCII.
//! - **Dashes** become `-`: hyphen, non-breaking hyphen, figure dash, en and em dash, horizontal bar
//!   (U+2010–2015), minus (U+2212), the small em dash and hyphen-minus (U+FE58, U+FE63), and the
//!   marks Korean and Japanese keyboards offer for a dash: the Hangul letter `ㅡ` (U+3161), the
//!   box-drawing line `─` (U+2500) and the long-vowel mark `ー` (U+30FC).
//! - **Spaces** become ` `: the no-break space, the typographic spaces (U+2000–200A, U+202F,
//!   U+205F) and the ideographic space (U+3000). A space is still a space: it joins the groups of a
//!   number where an ASCII space would (`900101　1234567`) and breaks a run where one would.
//! - **Dots** in a domain: the ideographic and half-width full stops (U+3002, U+FF61) and the small
//!   full stop (U+FE52) become `.`, as browsers read them in a host name; the small `﹫`, `﹢`,
//!   `﹙`, `﹚` become `@`, `+`, `(`, `)`.
//! - **Invisible characters vanish**: zero-width space, non-joiner and joiner (U+200B–200D), the
//!   direction marks, embeddings and isolates (U+200E–200F, U+202A–202E, U+2066–2069), the word
//!   joiner and invisible operators (U+2060–2064), the byte order mark (U+FEFF), the soft hyphen
//!   (U+00AD), the Mongolian vowel separator (U+180E), the combining grapheme joiner (U+034F), the
//!   variation selectors (U+FE00–FE0F) and the keycap mark (U+20E3), so `0️⃣1️⃣0️⃣` is `010`.
//!
//! Not folded, on purpose:
//! - **Circled and parenthesised numbers** (`①`, `⑴`, `⒈`): Korean text numbers its list items
//!   with them. Read as digits they would glue the marker to the number after it:
//!   `①010-1234-5678` would read `1010-1234-5678`, which is no phone number, so folding them would
//!   hide more than it finds.
//! - **Superscripts and subscripts** (`10²`, `H₂O`): exponents and indices, not digits of a number.
//! - Numbers written out in words (`공일공`) and text reversed by a direction override: a person
//!   reading them has to work, and they are beyond a character map.

use std::borrow::Cow;
use std::ops::Range;

/// The text as the patterns read it, and the way back to the original's byte offsets.
pub(super) struct Folded<'a> {
    original: &'a str,
    text: Cow<'a, str>,
    /// For each byte of `text`, where its character starts in `original`; empty when nothing
    /// was folded (then the offsets are the same).
    origin: Vec<usize>,
}

impl<'a> Folded<'a> {
    pub(super) fn new(original: &'a str) -> Self {
        if original.chars().all(|c| fold(c) == Fold::Same) {
            return Folded {
                original,
                text: Cow::Borrowed(original),
                origin: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        for (at, c) in original.char_indices() {
            match fold(c) {
                Fold::Same => text.push(c),
                Fold::Ascii(b) => text.push(char::from(b)),
                Fold::Invisible => continue,
            }
            origin.resize(text.len(), at);
        }
        Folded {
            original,
            text: Cow::Owned(text),
            origin,
        }
    }

    /// The folded text: ASCII where the original had another spelling of it.
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    /// The span of the original text that a range of the folded text came from: from the start
    /// of its first character to the end of its last, and every invisible character between.
    pub(super) fn original(&self, range: Range<usize>) -> Range<usize> {
        if self.origin.is_empty() || range.is_empty() {
            return range;
        }
        let start = self.origin[range.start];
        let last = self.origin[range.end - 1];
        let last_len = self.original[last..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        start..last + last_len
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fold {
    /// Read as it is.
    Same,
    /// Read as this ASCII character.
    Ascii(u8),
    /// Not read at all.
    Invisible,
}

fn fold(c: char) -> Fold {
    if c.is_ascii() {
        return Fold::Same;
    }
    if let Some(digit) = decimal_digit(c) {
        return Fold::Ascii(b'0' + digit);
    }
    let ascii = match c {
        // Full-width ASCII sits 0xFEE0 above ASCII.
        '\u{FF01}'..='\u{FF5E}' => u8::try_from(u32::from(c) - 0xFEE0).ok(),
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{3161}'
        | '\u{2500}'
        | '\u{30FC}' => Some(b'-'),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => Some(b' '),
        '\u{3002}' | '\u{FF61}' | '\u{FE52}' => Some(b'.'),
        '\u{FE6B}' => Some(b'@'),
        '\u{FE62}' => Some(b'+'),
        '\u{FE59}' => Some(b'('),
        '\u{FE5A}' => Some(b')'),
        _ => None,
    };
    if let Some(b) = ascii {
        return Fold::Ascii(b);
    }
    match c {
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{180E}'
        | '\u{034F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{20E3}' => Fold::Invisible,
        _ => Fold::Same,
    }
}

/// The zero of every block of ten decimal digits outside ASCII (Unicode 14's `Nd`, each block
/// 0–9 in order; generated from Python's `unicodedata`).
#[rustfmt::skip]
const DIGIT_ZEROS: [u32; 65] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The value of a decimal digit of another script.
fn decimal_digit(c: char) -> Option<u8> {
    let code = u32::from(c);
    let block = DIGIT_ZEROS.partition_point(|&zero| zero <= code);
    let zero = DIGIT_ZEROS[block.checked_sub(1)?];
    u8::try_from(code - zero).ok().filter(|&d| d < 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digit_blocks_are_sorted_and_apart() {
        for pair in DIGIT_ZEROS.windows(2) {
            assert!(pair[0] + 10 <= pair[1], "{pair:x?}");
        }
        assert_eq!(decimal_digit('٣'), Some(3));
        assert_eq!(decimal_digit('𝟿'), Some(9));
        assert_eq!(decimal_digit('𝟘'), Some(0));
        assert_eq!(decimal_digit('\u{0669}'), Some(9));
        assert_eq!(decimal_digit('\u{066A}'), None, "the Arabic percent sign");
        assert_eq!(decimal_digit('①'), None);
        assert_eq!(decimal_digit('²'), None);
        assert_eq!(decimal_digit('가'), None);
    }

    #[test]
    fn a_folded_range_maps_back_to_the_whole_original_span() {
        let original = "전화 ０１０\u{200B}－1234 끝";
        let folded = Folded::new(original);
        assert_eq!(folded.text(), "전화 010-1234 끝");
        let at = "전화 ".len();
        let range = at..at + "010-1234".len();
        assert_eq!(&original[folded.original(range)], "０１０\u{200B}－1234");
        let plain = Folded::new("010-1234");
        assert_eq!(plain.text(), "010-1234");
        assert_eq!(plain.original(4..8), 4..8);
    }
}
