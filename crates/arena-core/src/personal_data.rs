//! Finding personal data in free text: resident registration numbers, phone numbers, e-mail
//! addresses and account or card numbers.
//!
//! The server uses this twice. It refuses a citizen's prompt that contains any of these before the
//! prompt is sent to live models ([`find`]), and it scrubs them out of model answers before the
//! answers are stored and exported ([`scrub`]). A refused prompt costs a citizen a retry, so the
//! rules aim at the shapes personal data is written in and stay away from ordinary numbers: years,
//! dates, prices, decimals, version strings, ranges, page numbers.
//!
//! The text is read folded (`personal_data/normalise.rs`): full-width and other digits, other
//! dashes and spaces, `＠` and `．` read as their ASCII selves and invisible characters between
//! digits vanish, so `９００１０１－１２３４５６７` and `010\u{200B}1234\u{200B}5678` are found like
//! their ASCII spellings, and scrubbed whole. Below, a digit, `-`, `@`, … means any spelling of it.
//!
//! What counts:
//! - **Resident numbers** (주민등록번호, 외국인등록번호): `YYMMDD-NNNNNNN`, with `-`, a space or
//!   nothing in between. The date must exist (month 01–12, a day that month can have, 29 February
//!   always) and the seventh digit must be 1–8. The checksum is not checked: numbers issued since
//!   October 2020 have none.
//! - **Phone numbers**: a mobile code (010, 011, 016–019), an area code (02, 031–033, 041–044,
//!   051–055, 061–064) or 070, then 3–4 and 4 digits. Groups are joined by `-`, `.` or a space (the
//!   same one twice), or the number is one run of digits (9–11 of them). The code may stand in
//!   parentheses (`(02) 123-4567`, `02)123-4567`) and may be written `+82` without its 0
//!   (`+82 10-1234-5678`, `+82-2-123-4567`, `+821012345678`, also `+82 (0)10…` and `+82 010…`).
//!   Representative numbers `15xx-xxxx`, `16xx-xxxx`, `18xx-xxxx` count only with a hyphen, and not
//!   when they read as a range: the second group a year at or after the first (`1592-1598`) or a
//!   counter after it (`1500-3000원`, `1600-1800년`).
//! - **E-mail addresses**: `local@domain.tld` in ASCII letters; the local part of letters, digits and `._%+-`,
//!   the domain of at least two dot-separated labels, the last one 2+ letters.
//! - **Account and card numbers**: 3–5 groups of digits joined by `-`, 10–16 digits in all, every
//!   group but the last at least 2 digits long and one group at least 4 (`110-123-456789`,
//!   `123456-01-234567`, `123-45-678901-2`, `4111-1111-1111-1111`). A chain that starts with a date
//!   (`2026-12-03-0001`) or is a list of years (`2020-2021-2022-2023`) does not count. Cards written
//!   with spaces (`4111 1111 1111 1111` but not when a fifth group of 4 follows, or 4-6-5 digits)
//!   count when they pass the Luhn check and start like a card (2221–2720, or 3, 4, 5, 6, 9), so a
//!   list of years stays ordinary. A bare run of 12–16 digits counts too, which also catches a
//!   resident-number shape with an impossible date (`9913011234567`) and, unavoidably, a long
//!   number in a maths question; the hyphenated `991301-1234567` has only two groups and is
//!   nothing. South Korean business numbers (`123-45-67890`) and ISBNs fit the shape and match.
//!
//! Where shapes overlap, resident numbers win over phone numbers and both over accounts; an e-mail
//! address wins over any number inside it (`01012345678@example.com` is one address).
//!
//! A match is a whole token. It never starts or ends inside a longer run of digits, next to an
//! ASCII letter or `_`, or inside a longer chain: not after a letter or digit and `-`, a letter and
//! `/` (a URL path), a digit and `.` (a decimal, a version), nor before the mirror images. So the 13
//! digits inside a 20-digit run are not a resident number, a run of 17 or more digits is nothing, a
//! hyphenated chain of more than 16 digits is nothing, and `3.141592653589` is a decimal. Text
//! already matched counts as replaced when its neighbour is judged, so `scrub` needs one pass:
//! `a@b.com/01012345678` is an address and a phone number.
//!
//! Every pattern is ASCII and a match is reported as the whole original span of the characters it
//! read, so match ranges always fall on character boundaries of the UTF-8 text.

mod kind;
mod normalise;

use std::ops::Range;

pub use kind::PersonalData;
use normalise::Folded;

/// Every kind found, each once, in a stable order (the enum's order).
pub fn find(text: &str) -> Vec<PersonalData> {
    let mut kinds: Vec<PersonalData> = matches(text).into_iter().map(|(_, kind)| kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// A match: byte range in `text` and its kind. Non-overlapping, in order. The text is read
/// folded (`personal_data/normalise.rs`), the ranges are those of `text` itself.
pub fn matches(text: &str) -> Vec<(Range<usize>, PersonalData)> {
    let folded = Folded::new(text);
    matches_folded(folded.text().as_bytes())
        .into_iter()
        .map(|(range, kind)| (folded.original(range), kind))
        .collect()
}

/// The matches in a folded text, its byte ranges.
fn matches_folded(b: &[u8]) -> Vec<(Range<usize>, PersonalData)> {
    let emails = emails(b);
    let mut found = Vec::new();
    let mut next_email = 0;
    // Where the last match ended: the text before it counts as replaced, so that scrubbing a
    // second time finds nothing new.
    let mut floor = 0;
    let mut i = 0;
    while i < b.len() {
        if let Some(email) = emails.get(next_email)
            && i >= email.start
        {
            found.push((email.clone(), PersonalData::Email));
            i = email.end;
            floor = i;
            next_email += 1;
            continue;
        }
        // A number must end before the next address starts; the address wins.
        let limit = emails.get(next_email).map_or(b.len(), |email| email.start);
        let c = b[i];
        let candidate = match c {
            b'0'..=b'9' => i == 0 || !b[i - 1].is_ascii_digit(),
            b'+' | b'(' => true,
            _ => false,
        };
        if candidate
            && starts_clean(&b[floor..], i - floor)
            && let Some((end, kind)) = number_at(b, i, limit)
        {
            found.push((i..end, kind));
            i = end;
            floor = i;
            continue;
        }
        // Never start inside a run of digits.
        i = if c.is_ascii_digit() {
            run_end(b, i).min(limit).max(i + 1)
        } else {
            i + 1
        };
    }
    found
}

/// The text with every match replaced by a placeholder such as "[주민등록번호]", "[전화번호]",
/// "[이메일]", "[계좌번호]".
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (range, kind) in matches(text) {
        out.push_str(&text[copied..range.start]);
        out.push_str(kind.placeholder());
        copied = range.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// The number starting at `s` (a digit, `+` or `(`), if one ends cleanly at or before `limit`.
fn number_at(b: &[u8], s: usize, limit: usize) -> Option<(usize, PersonalData)> {
    let fits = |end: &usize| *end <= limit && ends_clean(&b[..limit], *end);
    if b[s].is_ascii_digit()
        && let Some(end) = resident(b, s).filter(fits)
    {
        return Some((end, PersonalData::ResidentNumber));
    }
    if let Some(end) = phone(b, s).filter(fits) {
        return Some((end, PersonalData::Phone));
    }
    if b[s].is_ascii_digit()
        && let Some(end) = account(b, s).filter(fits)
    {
        return Some((end, PersonalData::Account));
    }
    None
}

// ---- Token boundaries ----

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether a number may start at `s`: it is not the tail of a longer token. `b` starts where the
/// previous match ended, as if that match had been replaced by a placeholder.
fn starts_clean(b: &[u8], s: usize) -> bool {
    let Some(&before) = s.checked_sub(1).and_then(|i| b.get(i)) else {
        return true;
    };
    if is_word(before) {
        return false;
    }
    // "+82…" was tried at the `+`; the digits after it are not a number of their own.
    if before == b'+' && b[s].is_ascii_digit() {
        return false;
    }
    let Some(&further) = s.checked_sub(2).and_then(|i| b.get(i)) else {
        return true;
    };
    match before {
        b'-' => !further.is_ascii_alphanumeric(),
        b'/' => !further.is_ascii_alphabetic(),
        b'.' => !further.is_ascii_digit(),
        _ => true,
    }
}

/// Whether a number may end at `e` (exclusive): it is not the head of a longer token. `b` ends
/// where the next e-mail address starts.
fn ends_clean(b: &[u8], e: usize) -> bool {
    let Some(&after) = b.get(e) else {
        return true;
    };
    if is_word(after) {
        return false;
    }
    let Some(&further) = b.get(e + 1) else {
        return true;
    };
    match after {
        b'-' => !further.is_ascii_alphanumeric(),
        b'/' => !further.is_ascii_alphabetic(),
        b'.' => !further.is_ascii_digit(),
        _ => true,
    }
}

// ---- Digits ----

/// The end of the run of ASCII digits starting at `i` (`i` itself if there is none).
fn run_end(b: &[u8], i: usize) -> usize {
    let mut end = i;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    end
}

/// The value of a short run of digits (at most 4 are ever passed in).
fn value(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0'))
}

/// The digit groups starting at `s` joined by `sep`: at most `max + 1` of them, so that a caller
/// can tell a chain longer than it accepts.
fn groups(b: &[u8], s: usize, sep: u8, max: usize) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut i = s;
    loop {
        let end = run_end(b, i);
        found.push(i..end);
        let joined = b.get(end) == Some(&sep) && b.get(end + 1).is_some_and(u8::is_ascii_digit);
        if found.len() > max || !joined {
            return found;
        }
        i = end + 1;
    }
}

// ---- Resident numbers ----

/// `YYMMDD` with a month and day that exist (29 February in any year).
fn valid_birth_date(d: &[u8]) -> bool {
    let (month, day) = (value(&d[2..4]), value(&d[4..6]));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => 29,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn resident(b: &[u8], s: usize) -> Option<usize> {
    let first = run_end(b, s);
    let (serial, end) = match first - s {
        13 => (s + 6, first),
        6 => {
            if !matches!(b.get(first), Some(b'-' | b' ')) {
                return None;
            }
            let end = run_end(b, first + 1);
            if end - (first + 1) != 7 {
                return None;
            }
            (first + 1, end)
        }
        _ => return None,
    };
    (valid_birth_date(&b[s..s + 6]) && (b'1'..=b'8').contains(&b[serial])).then_some(end)
}

// ---- Phone numbers ----

const PHONE_SEPARATORS: [u8; 3] = [b'-', b'.', b' '];

/// Counters that make `1500-3000` a range of amounts rather than a representative number.
const COUNTERS: [&str; 16] = [
    "원", "년", "명", "개", "쪽", "권", "회", "건", "장", "평", "세", "살", "위", "배", "%", "~",
];

/// The length of the mobile or area code a national number (with its leading 0) starts with.
fn code_len(d: &[u8]) -> Option<usize> {
    if d.first() != Some(&b'0') {
        return None;
    }
    match (d.get(1)?, d.get(2)) {
        (b'2', _) => Some(2),
        (b'1', Some(b'0' | b'1' | b'6'..=b'9'))
        | (b'3', Some(b'1'..=b'3'))
        | (b'4', Some(b'1'..=b'4'))
        | (b'5', Some(b'1'..=b'5'))
        | (b'6', Some(b'1'..=b'4'))
        | (b'7', Some(b'0')) => Some(3),
        _ => None,
    }
}

/// A national number written as one run: a code and 7 or 8 more digits.
fn whole_number(d: &[u8]) -> bool {
    code_len(d).is_some_and(|code| (7..=8).contains(&(d.len() - code)))
}

/// The subscriber part after a code, starting at `i`: 3–4 digits, `sep`, 4 digits. Without a
/// `sep` (after a parenthesised code) any one separator may join them, or nothing (7–8 digits).
fn subscriber(b: &[u8], i: usize, sep: Option<u8>) -> Option<usize> {
    let mid = run_end(b, i);
    if sep.is_none() && (7..=8).contains(&(mid - i)) {
        return Some(mid);
    }
    if !(3..=4).contains(&(mid - i)) {
        return None;
    }
    let joint = *b.get(mid)?;
    let joined = match sep {
        Some(sep) => joint == sep,
        None => PHONE_SEPARATORS.contains(&joint),
    };
    let last = run_end(b, mid + 1);
    (joined && last - (mid + 1) == 4).then_some(last)
}

fn phone(b: &[u8], s: usize) -> Option<usize> {
    match b[s] {
        b'+' => international(b, s),
        b'(' => {
            let close = run_end(b, s + 1);
            let code = &b[s + 1..close];
            if code.is_empty() || code_len(code) != Some(code.len()) || b.get(close) != Some(&b')')
            {
                return None;
            }
            after_parenthesis(b, close)
        }
        _ => domestic(b, s),
    }
}

/// After the `)` of a code at `close`: an optional space and the subscriber part.
fn after_parenthesis(b: &[u8], close: usize) -> Option<usize> {
    let start = if b.get(close + 1) == Some(&b' ') {
        close + 2
    } else {
        close + 1
    };
    subscriber(b, start, None)
}

fn domestic(b: &[u8], s: usize) -> Option<usize> {
    let first = run_end(b, s);
    let digits = &b[s..first];
    if whole_number(digits) {
        return Some(first);
    }
    if code_len(digits) == Some(digits.len()) {
        return match *b.get(first)? {
            b')' => after_parenthesis(b, first),
            sep if PHONE_SEPARATORS.contains(&sep) => subscriber(b, first + 1, Some(sep)),
            _ => None,
        };
    }
    representative(b, s, first)
}

/// `+82`, an optional `-` or space, an optional `(0)`, then a national number with or without its 0.
fn international(b: &[u8], s: usize) -> Option<usize> {
    if b.get(s + 1..s + 3) != Some(b"82".as_slice()) {
        return None;
    }
    let mut i = s + 3;
    if matches!(b.get(i), Some(b'-' | b' ')) {
        i += 1;
    }
    if b.get(i..i + 3) == Some(b"(0)".as_slice()) {
        i += 3;
    }
    let first = run_end(b, i);
    if first == i {
        return None;
    }
    let mut national = Vec::with_capacity(first - i + 1);
    if b[i] != b'0' {
        national.push(b'0');
    }
    national.extend_from_slice(&b[i..first]);
    if whole_number(&national) {
        return Some(first);
    }
    let sep = *b.get(first)?;
    (code_len(&national) == Some(national.len()) && PHONE_SEPARATORS.contains(&sep))
        .then(|| subscriber(b, first + 1, Some(sep)))
        .flatten()
}

/// `15xx-xxxx`, `16xx-xxxx`, `18xx-xxxx`, unless it reads as a range of years or amounts.
fn representative(b: &[u8], s: usize, first: usize) -> Option<usize> {
    let head = &b[s..first];
    if head.len() != 4
        || head[0] != b'1'
        || !matches!(head[1], b'5' | b'6' | b'8')
        || b.get(first) != Some(&b'-')
    {
        return None;
    }
    let end = run_end(b, first + 1);
    if end - (first + 1) != 4 {
        return None;
    }
    let (from, to) = (value(head), value(&b[first + 1..end]));
    if from < to && to <= 2100 {
        return None;
    }
    let rest = &b[end..];
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    if COUNTERS
        .iter()
        .any(|counter| rest.starts_with(counter.as_bytes()))
    {
        return None;
    }
    Some(end)
}

// ---- Account and card numbers ----

fn account(b: &[u8], s: usize) -> Option<usize> {
    let run = run_end(b, s);
    let bare = (12..=16).contains(&(run - s)).then_some(run);
    hyphenated(b, s).or_else(|| spaced_card(b, s)).or(bare)
}

fn is_year(b: &[u8], group: &Range<usize>) -> bool {
    group.len() == 4 && (1800..=2100).contains(&value(&b[group.clone()]))
}

fn hyphenated(b: &[u8], s: usize) -> Option<usize> {
    let chain = groups(b, s, b'-', 5);
    if !(3..=5).contains(&chain.len()) {
        return None;
    }
    let total: usize = chain.iter().map(Range::len).sum();
    let longest = chain.iter().map(Range::len).max().unwrap_or(0);
    let short_inner = chain[..chain.len() - 1].iter().any(|g| g.len() < 2);
    if !(10..=16).contains(&total) || longest < 4 || short_inner {
        return None;
    }
    let small =
        |g: &Range<usize>, max: u32| g.len() <= 2 && (1..=max).contains(&value(&b[g.clone()]));
    let dated = is_year(b, &chain[0]) && small(&chain[1], 12) && small(&chain[2], 31);
    let years = chain.iter().all(|g| is_year(b, g));
    (!dated && !years).then(|| chain[chain.len() - 1].end)
}

/// A card number written in groups with spaces: 4-4-4-4 (not followed by a fifth group of 4) or
/// 4-6-5, Luhn-valid, with a card's first digits. What follows may be an expiry date ("12 28").
fn spaced_card(b: &[u8], s: usize) -> Option<usize> {
    let mut chain = groups(b, s, b' ', 4);
    let lens: Vec<usize> = chain.iter().map(Range::len).collect();
    if lens.starts_with(&[4, 4, 4, 4]) && lens.get(4) != Some(&4) {
        chain.truncate(4);
    } else if lens.starts_with(&[4, 6, 5]) {
        chain.truncate(3);
    } else {
        return None;
    }
    let digits: Vec<u8> = chain
        .iter()
        .flat_map(|g| b[g.clone()].iter().copied())
        .collect();
    let issuer =
        matches!(digits[0], b'3'..=b'6' | b'9') || (2221..=2720).contains(&value(&digits[..4]));
    (issuer && luhn(&digits)).then(|| chain[chain.len() - 1].end)
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

// ---- E-mail addresses ----

fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

/// Labels of letters, digits and inner hyphens; at least two; the last 2+ letters.
fn valid_domain(d: &[u8]) -> bool {
    let mut count = 0;
    let mut last: &[u8] = &[];
    for label in d.split(|&c| c == b'.') {
        if label.is_empty() || label.starts_with(b"-") || label.ends_with(b"-") {
            return false;
        }
        count += 1;
        last = label;
    }
    count >= 2 && last.len() >= 2 && last.iter().all(u8::is_ascii_alphabetic)
}

/// Every e-mail address, in order, not overlapping.
fn emails(b: &[u8]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut floor = 0;
    for at in (0..b.len()).filter(|&i| b[i] == b'@') {
        if at < floor {
            continue;
        }
        let mut start = at;
        while start > floor && is_local(b[start - 1]) {
            start -= 1;
        }
        while start < at && b[start] == b'.' {
            start += 1;
        }
        if start == at {
            continue;
        }
        let mut end = at + 1;
        while end < b.len() && is_domain(b[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
            end -= 1;
        }
        if valid_domain(&b[at + 1..end]) {
            found.push(start..end);
            floor = end;
        }
    }
    found
}

#[cfg(test)]
mod tests;
