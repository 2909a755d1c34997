//! Finding answers that say who wrote them.
//!
//! The arena is blind only as long as the answers are. "저는 OpenAI가 개발한 ChatGPT입니다" tells the
//! voter whose answer they are judging, and a script drawing battles could learn which answer
//! belongs to which model. The import runs [`find`] on every answer: a flagged answer is listed in
//! the import report and not drawn into battles until an operator lets it back in. A flag is a
//! judgement, not a proof, so the rules lean towards flagging and the operator has the last word.
//! Live answers are read by [`LiveCheck`], more strictly (see "Live answers" below).
//!
//! Names come in two strengths.
//! - **Distinctive** names (ChatGPT, GPT-4o, Claude, Gemini, EXAONE, 하이퍼클로바, OpenAI, Anthropic,
//!   Upstage, …) count wherever they stand. A plain mention as a topic ("ChatGPT 같은 도구") counts
//!   too: it still hints at who is writing.
//! - **Ambiguous** words (구글, 네이버, 솔라, 라마, 메타, 믿음, Google, Meta, Llama, Solar, …) are
//!   everyday words or companies that answers mention all the time ("구글 지도", "메타 인지"). They
//!   count only in an identity context: the writer names itself ("제 이름은 라마", "I'm Llama"); the
//!   writer speaks of itself ("저는", "I was", earlier in the sentence, at most 40 characters
//!   before) and the name is what it is ("저는 솔라입니다"), who made it ("저는 구글에서 훈련한 …")
//!   or whose AI it is ("저는 메타의 AI입니다"); or the name makes an AI ("구글이 개발한 대규모 언어
//!   모델", "an AI developed by Google"). That last shape also flags "BERT는 구글이 개발한 언어
//!   모델입니다": a sentence about who built a model reads the same either way. A self-introduction
//!   for a cover letter ("저는 네이버에서 5년간 근무한 개발자입니다") has none of these shapes.
//!
//! Deliberately not flagged, because a cheap test tells them apart from self-identification:
//! - plain "GPT": the architecture's name ("GPT를 활용한 업무 자동화"), while "GPT-4" and "ChatGPT"
//!   name products;
//! - the painter, the composer and the engineer: "Claude Monet", "클로드 모네", "Jean-Claude";
//! - text in fenced code blocks and names glued to `.`, `/` or `_` (`import openai`,
//!   `meta-llama/Llama-2-7b`, `api.openai.com`): models identify themselves in prose, and a
//!   library or a model id in code says what the task was, not who wrote the answer. Imported
//!   answers to coding questions are full of these.
//!
//! Word boundaries follow the two scripts. A Latin name must not run on into a letter or digit
//! ("Claudette", "OpenAIEmbeddings"); a Hangul name may be followed only by a particle or copula
//! ("구글에서", "솔라입니다"), so "솔라시도", "메타버스" and "라마단" are words of their own.
//!
//! **Live answers.** A live battle has no operator to look again: an answer that names its model
//! ends the battle, and a model can name itself anywhere (`# written by team-a-14b`, a JSON
//! `"model": "gpt_4o"`, `vendor/team-a-14b`). So [`LiveCheck`] reads fenced code blocks, inline
//! code and names glued to `.`, `/`, `_` like prose (a version may follow `_`: `gpt_4o`), and it
//! knows the arena's own live models by the names the caller gives it (their ids, display names and
//! upstream model names), as distinctive names. Which of those names are specific enough to be
//! matched, and how, is `identity_leak/configured.rs`. The cost is a citizen's retry when a prompt
//! asks about such code; the other way the anonymity would be gone.
//!
//! The import runs this on hundreds of thousands of answers of up to 100,000 characters, so it is
//! one pass over an ASCII-lowercased copy (byte offsets stay those of the original), trying the
//! table only where a word starts; each candidate then finds its nearest cues by binary search.

mod configured;
mod patterns;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use configured::ConfiguredName;
use patterns::{COPULAS, PARTICLES, PATTERNS};

/// What in an answer names a model or its maker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityLeak {
    /// The name as it appears in the text (e.g. "ChatGPT", "엑사원").
    pub term: String,
    /// Byte offset of the match in the text.
    pub at: usize,
}

/// The first self-identification in `text`, if any, read as an imported answer: code blocks
/// and glued names left alone.
pub fn find(text: &str) -> Option<IdentityLeak> {
    find_with(text, &Reading::default())
}

/// The check of live answers: code and glued names read too, and the arena's own live models
/// known by name (see the module doc).
#[derive(Clone, Debug, Default)]
pub struct LiveCheck {
    names: Vec<ConfiguredName>,
}

impl LiveCheck {
    /// A check that also knows `names`: every live model's id, display name and upstream model
    /// name. Names too short or too common to be told from ordinary text are left out.
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Self {
        let mut kept: Vec<ConfiguredName> = Vec::new();
        for name in names {
            for parsed in ConfiguredName::parse(name.as_ref()) {
                if !kept.contains(&parsed) {
                    kept.push(parsed);
                }
            }
        }
        LiveCheck { names: kept }
    }

    /// Whether `name` is specific enough to be matched when given to [`LiveCheck::new`].
    pub fn is_specific(name: &str) -> bool {
        !ConfiguredName::parse(name).is_empty()
    }

    /// The first self-identification in a live answer, if any.
    pub fn find(&self, text: &str) -> Option<IdentityLeak> {
        find_with(
            text,
            &Reading {
                live: true,
                names: &self.names,
            },
        )
    }
}

/// How an answer is read.
#[derive(Default)]
struct Reading<'a> {
    /// Code blocks and glued names are read like prose; `_` may join a version.
    live: bool,
    /// Names given by the caller, distinctive wherever they stand.
    names: &'a [ConfiguredName],
}

fn find_with(text: &str, reading: &Reading) -> Option<IdentityLeak> {
    let found = scan(text, reading);
    found
        .names
        .iter()
        .find(|name| name.role == Role::Distinctive || found.identity_context(name))
        .map(|name| IdentityLeak {
            term: text[name.at..name.end].to_owned(),
            at: name.at,
        })
}

/// About one clause, in characters: "저는 구글에서 훈련한 대규모 언어 모델입니다".
const CLAUSE: usize = 40;
/// A particle and a space, in characters: "구글에서 개발한", "developed by Google".
const ADJACENT: usize = 6;
/// A verb and the noun it describes: "훈련한 대규모 언어 모델".
const PHRASE: usize = 15;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Distinctive,
    Ambiguous,
    /// "제 이름은", "I'm": the next word is what the writer calls itself.
    Naming,
    /// "저는", "I was": the writer is talking about itself.
    FirstPerson,
    /// "개발한", "만든": Korean puts the maker before the verb.
    MadeKo,
    /// "developed by": English puts the maker after.
    MadeBy,
    /// "AI", "언어 모델": what was made is an assistant.
    Assistant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    Any,
    /// Company names that are also English words: "Anthropic", not "the anthropic principle".
    Capital,
    /// Short names that are also code or abbreviations: "KT", "A.X", not `a.x`.
    Upper,
}

struct Pattern {
    /// Lowercase, as the scanned copy is.
    text: &'static str,
    role: Role,
    case: Case,
    /// Must be followed by a version number ("GPT-4o", "Llama 3"); the number is part of the term.
    versioned: bool,
    unless_followed_by: &'static [&'static str],
    unless_preceded_by: &'static [&'static str],
}

const fn cue(text: &'static str, role: Role) -> Pattern {
    Pattern {
        text,
        role,
        case: Case::Any,
        versioned: false,
        unless_followed_by: &[],
        unless_preceded_by: &[],
    }
}

const fn strong(text: &'static str) -> Pattern {
    cue(text, Role::Distinctive)
}

const fn weak(text: &'static str) -> Pattern {
    cue(text, Role::Ambiguous)
}

impl Pattern {
    const fn capital(self) -> Self {
        Pattern {
            case: Case::Capital,
            ..self
        }
    }
    const fn upper(self) -> Self {
        Pattern {
            case: Case::Upper,
            ..self
        }
    }
    const fn versioned(self) -> Self {
        Pattern {
            versioned: true,
            ..self
        }
    }
    const fn unless_followed_by(self, words: &'static [&'static str]) -> Self {
        Pattern {
            unless_followed_by: words,
            ..self
        }
    }
    const fn unless_preceded_by(self, words: &'static [&'static str]) -> Self {
        Pattern {
            unless_preceded_by: words,
            ..self
        }
    }
}

/// Longer than any particle, in characters; bounds the look past a word.
const PAST_PARTICLES: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Hangul,
    /// No spaces between words, so every character may start one.
    Han,
    Other,
}

impl Script {
    fn of(c: char) -> Script {
        match c {
            c if c.is_ascii_alphanumeric() => Script::Latin,
            '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
                Script::Hangul
            }
            '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' => {
                Script::Han
            }
            _ => Script::Other,
        }
    }
}

/// A name or cue found in the text; `ci`/`ce` are character indices, for windows measured in
/// characters whatever the script.
struct Hit {
    role: Role,
    at: usize,
    end: usize,
    ci: usize,
    ce: usize,
    /// A copula follows: "솔라입니다".
    copula: bool,
}

#[derive(Default)]
struct Found {
    lower: String,
    names: Vec<Hit>,
    /// [`Role::Naming`] and [`Role::FirstPerson`].
    selves: Vec<Hit>,
    made_ko: Vec<Hit>,
    made_by: Vec<Hit>,
    assistants: Vec<Hit>,
}

fn scan(text: &str, reading: &Reading) -> Found {
    let lower = text.to_ascii_lowercase();
    let mut found = Found::default();
    let mut prev = Script::Other;
    let mut fence: Option<(u8, usize)> = None;
    let mut line_start = true;
    let mut skip_until = 0;
    for (ci, (at, c)) in lower.char_indices().enumerate() {
        let script = Script::of(c);
        let word_start = script != Script::Other && (script != prev || script == Script::Han);
        prev = script;
        if line_start && c != ' ' && c != '\t' {
            line_start = false;
            if !reading.live {
                fence = fence_after(fence, &lower[at..]);
            }
        }
        if c == '\n' {
            line_start = true;
        }
        if fence.is_some() || at < skip_until || !word_start {
            continue;
        }
        let Some((role, end, copula)) = best_match(text, &lower, at, reading) else {
            continue;
        };
        // A name's inner words ("AI" in "LG AI연구원") are not cues of their own.
        skip_until = end;
        let hit = Hit {
            role,
            at,
            end,
            ci,
            ce: ci + lower[at..end].chars().count(),
            copula,
        };
        match role {
            Role::Distinctive | Role::Ambiguous => found.names.push(hit),
            Role::Naming | Role::FirstPerson => found.selves.push(hit),
            Role::MadeKo => found.made_ko.push(hit),
            Role::MadeBy => found.made_by.push(hit),
            Role::Assistant => found.assistants.push(hit),
        }
    }
    found.lower = lower;
    found
}

/// The fence state after a line starting with `line` (leading blanks removed): a run of three or
/// more backticks or tildes opens a code block, and a run as long of the same mark closes it.
fn fence_after(open: Option<(u8, usize)>, line: &str) -> Option<(u8, usize)> {
    let bytes = line.as_bytes();
    let Some(&mark @ (b'`' | b'~')) = bytes.first() else {
        return open;
    };
    let run = bytes.iter().take_while(|&&b| b == mark).count();
    match open {
        _ if run < 3 => open,
        None => Some((mark, run)),
        Some((open_mark, open_run)) if open_mark == mark && run >= open_run => None,
        Some(_) => open,
    }
}

/// The longest pattern or given name that matches at `at`: its role, where it ends and whether
/// a copula follows.
fn best_match(
    text: &str,
    lower: &str,
    at: usize,
    reading: &Reading,
) -> Option<(Role, usize, bool)> {
    let rest = &lower[at..];
    let first = rest.chars().next()?;
    let mut best: Option<(Role, usize, bool)> = None;
    let mut consider = |role: Role, end: usize, copula: bool| {
        if best.is_none_or(|(_, best_end, _)| end > best_end) {
            best = Some((role, end, copula));
        }
    };
    for &pattern in by_first_char().get(&first).into_iter().flatten() {
        if !rest.starts_with(pattern.text) {
            continue;
        }
        if let Some((end, copula)) = pattern.matches(text, lower, at, reading.live) {
            consider(pattern.role, end, copula);
        }
    }
    for name in reading.names {
        if let Some(end) = name.end_at(lower, at)
            && let Some(copula) = word_end(lower, end)
        {
            consider(Role::Distinctive, end, copula);
        }
    }
    best
}

/// The patterns grouped by their first character: most words start with a character no name or
/// cue starts with, and the rest are tried against a handful of patterns, not the whole table.
fn by_first_char() -> &'static BTreeMap<char, Vec<&'static Pattern>> {
    static INDEX: OnceLock<BTreeMap<char, Vec<&'static Pattern>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: BTreeMap<char, Vec<&'static Pattern>> = BTreeMap::new();
        for pattern in PATTERNS {
            if let Some(first) = pattern.text.chars().next() {
                index.entry(first).or_default().push(pattern);
            }
        }
        index
    })
}

impl Pattern {
    /// Where the match that starts with this pattern's text ends, if it is a whole word that this
    /// pattern accepts, and whether a copula follows.
    /// `live`: a glued name counts, and `_` may join a version.
    fn matches(&self, text: &str, lower: &str, at: usize, live: bool) -> Option<(usize, bool)> {
        let mut end = at + self.text.len();
        if self.versioned {
            end = version_end(lower, end, live)?;
        }
        let copula = word_end(lower, end)?;
        let original = &text[at..end];
        let case_fits = match self.case {
            Case::Any => true,
            Case::Capital => original.starts_with(|c: char| c.is_ascii_uppercase()),
            Case::Upper => !original.bytes().any(|b| b.is_ascii_lowercase()),
        };
        let is_name = matches!(self.role, Role::Distinctive | Role::Ambiguous);
        let other_use = is_name
            && ((!live && glued(text, at, end))
                || self
                    .unless_followed_by
                    .iter()
                    .any(|w| lower[end..].starts_with(w))
                || self
                    .unless_preceded_by
                    .iter()
                    .any(|w| lower[..at].ends_with(w)));
        (case_fits && !other_use).then_some((end, copula))
    }
}

/// The end of "-4o", " 3", "3.5", "-7B" (and in a live answer "_4o") after a name, if a
/// version number follows. At most two letters may follow the number, so `GPT2Model` stays an
/// identifier of its own.
fn version_end(lower: &str, end: usize, live: bool) -> Option<usize> {
    let bytes = lower.as_bytes();
    let mut i = end;
    if matches!(bytes.get(i), Some(b'-' | b' ')) || (live && bytes.get(i) == Some(&b'_')) {
        i += 1;
    }
    if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    while let Some(&b) = bytes.get(i) {
        let decimal_point = b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(b.is_ascii_digit() || decimal_point) {
            break;
        }
        i += 1;
    }
    for _ in 0..2 {
        if bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
        }
    }
    Some(i)
}

/// Whether the word ends at `end` (see the module doc), and if so whether a copula follows.
fn word_end(lower: &str, end: usize) -> Option<bool> {
    let last = lower[..end]
        .chars()
        .next_back()
        .map_or(Script::Other, Script::of);
    let rest = &lower[end..];
    let next = rest.chars().next().map_or(Script::Other, Script::of);
    if last == Script::Latin && next == Script::Latin {
        return None;
    }
    let run = hangul_run(rest);
    if last == Script::Hangul && !PARTICLES.contains(&run) {
        return None;
    }
    Some(COPULAS.contains(&run))
}

/// The Hangul that starts `rest`, cut after [`PAST_PARTICLES`] characters.
fn hangul_run(rest: &str) -> &str {
    let mut end = 0;
    for (i, c) in rest.char_indices().take(PAST_PARTICLES) {
        if Script::of(c) != Script::Hangul {
            return &rest[..i];
        }
        end = i + c.len_utf8();
    }
    &rest[..end]
}

/// Part of a URL, path or identifier: `api.openai.com`, `openai/whisper`, `openai_api_key`. A
/// slash before a capital or a digit is prose listing alternatives: "ChatGPT/Claude", "GPT-3/4".
fn glued(text: &str, at: usize, end: usize) -> bool {
    let before = text[..at].chars().next_back();
    let mut after = text[end..].chars();
    let (joiner, next) = (after.next(), after.next());
    matches!(before, Some('.' | '/' | '_' | '@' | '\\'))
        || match joiner {
            Some('.' | '_') => next.is_some_and(|c| c.is_ascii_alphanumeric()),
            Some('/') => next.is_some_and(|c| c.is_ascii_lowercase()),
            _ => false,
        }
}

impl Found {
    fn identity_context(&self, name: &Hit) -> bool {
        let self_cue = last_before(&self.selves, name.ci);
        let names_itself = self_cue.is_some_and(|cue| {
            cue.role == Role::Naming
                && self
                    .gap(cue, name, 3)
                    .is_some_and(|gap| !gap.chars().any(char::is_alphanumeric))
        });
        let speaks_of_itself = self_cue.is_some_and(|cue| self.same_sentence(cue, name, CLAUSE));
        let made_ko = first_after(&self.made_ko, name.ce)
            .filter(|made| self.same_phrase(name, made, ADJACENT));
        let made_by = last_before(&self.made_by, name.ci)
            .filter(|made| self.same_phrase(made, name, ADJACENT));
        let assistant_after = |hit: &Hit, chars: usize| {
            first_after(&self.assistants, hit.ce)
                .is_some_and(|assistant| self.same_phrase(hit, assistant, chars))
        };
        let in_clause_before = |cues: &[Hit], hit: &Hit| {
            last_before(cues, hit.ci).is_some_and(|cue| self.same_sentence(cue, hit, CLAUSE))
        };
        names_itself
            || (speaks_of_itself
                && (name.copula || made_ko.is_some() || assistant_after(name, ADJACENT)))
            || made_ko.is_some_and(|made| assistant_after(made, PHRASE))
            || made_by.is_some_and(|made| {
                in_clause_before(&self.assistants, made) || in_clause_before(&self.selves, made)
            })
    }

    /// The text between `first` and `second`, if they are at most `chars` characters apart.
    fn gap(&self, first: &Hit, second: &Hit, chars: usize) -> Option<&str> {
        let apart = second.ci.checked_sub(first.ce)?;
        (apart <= chars)
            .then(|| self.lower.get(first.end..second.at))
            .flatten()
    }

    /// Cues in another sentence say nothing about the name: "저는 AI입니다. 구글 지도에서…".
    fn same_sentence(&self, first: &Hit, second: &Hit, chars: usize) -> bool {
        self.gap(first, second, chars)
            .is_some_and(|gap| !ends_sentence(gap))
    }

    /// Not even a comma between: "개발한 대규모 언어 모델", not "개발한 도구로, 다양한 언어 모델".
    fn same_phrase(&self, first: &Hit, second: &Hit, chars: usize) -> bool {
        self.gap(first, second, chars)
            .is_some_and(|gap| !ends_sentence(gap) && !gap.contains([',', '，']))
    }
}

fn ends_sentence(gap: &str) -> bool {
    let mut chars = gap.chars().peekable();
    while let Some(c) = chars.next() {
        let stop = matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|n| n.is_whitespace());
        if stop || matches!(c, '\n' | '。' | '！' | '？') {
            return true;
        }
    }
    false
}

/// The last cue that ends at or before character `ci` (cues never overlap, so they are sorted
/// by end as well as by start).
fn last_before(cues: &[Hit], ci: usize) -> Option<&Hit> {
    let n = cues.partition_point(|c| c.ce <= ci);
    n.checked_sub(1).and_then(|i| cues.get(i))
}

/// The first cue that starts at or after character `ce`.
fn first_after(cues: &[Hit], ce: usize) -> Option<&Hit> {
    cues.get(cues.partition_point(|c| c.ci < ce))
}

#[cfg(test)]
mod tests;
