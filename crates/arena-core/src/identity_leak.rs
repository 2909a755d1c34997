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

use std::collections::BTreeMap;
use std::sync::OnceLock;

use configured::ConfiguredName;

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

#[rustfmt::skip]
const OTHER_CLAUDES: &[&str] = &[
    " monet", " debussy", " shannon", " lévi", " levi", " bernard", " lorrain", " chabrol",
    " van damme", " 모네", " 드뷔시", " 섀넌", " 새넌", " 샤논", " 레비", " 베르나르", " 로랭", " 반담",
];

/// Names grouped by maker, then cue phrases. Where two match at one place the longer wins
/// ("GPT-4" over "GPT", "LG AI연구원" over "LG").
#[rustfmt::skip]
const PATTERNS: &[Pattern] = &[
    // OpenAI. Plain "GPT" is the architecture.
    strong("chatgpt"), strong("챗gpt"), strong("챗지피티"),
    strong("gpt").versioned(), weak("gpt").upper(),
    strong("openai"), strong("오픈ai"), strong("오픈에이아이"),
    // Anthropic
    strong("claude").unless_followed_by(OTHER_CLAUDES).unless_preceded_by(&["jean-", "jean "]),
    strong("클로드").unless_followed_by(OTHER_CLAUDES).unless_preceded_by(&["장-", "장 "]),
    strong("anthropic").capital().unless_followed_by(&[" principle"]), strong("앤트로픽"),
    // Google. Gemini was also a NASA programme, Gemma and Bard are also a name and a poet.
    strong("gemini").unless_preceded_by(&["project "])
        .unless_followed_by(&[" program", " project", " mission", " spacecraft"]),
    strong("제미나이"), strong("제미니").unless_followed_by(&[" 계획", " 프로그램", " 프로젝트", " 우주선"]),
    strong("gemma").versioned(), weak("gemma"), weak("젬마"), weak("bard").capital(), weak("바드"),
    weak("google"), weak("구글"), weak("deepmind"), weak("딥마인드"),
    // Alibaba
    strong("qwen"), strong("큐웬"), strong("tongyi"), strong("qianwen"),
    strong("通义千问"), strong("通義千問"), weak("alibaba"), weak("알리바바"),
    // Meta
    strong("llama").versioned(), weak("llama"), weak("라마"), weak("meta").capital(), weak("메타"),
    // Mistral AI: the mistral is also a wind.
    strong("mistral").unless_followed_by(&[" wind"]), strong("미스트랄").unless_followed_by(&[" 바람"]),
    strong("mixtral"),
    // LG AI Research
    strong("exaone"), strong("엑사원"),
    strong("lg ai research"), strong("lg ai연구원"), strong("lg ai 연구원"), weak("lg").upper(),
    // Naver
    strong("hyperclova"), strong("하이퍼클로바"), strong("clova x"), strong("clovax"), strong("클로바x"),
    strong("클로바 x"), weak("clova"), weak("클로바"), weak("naver"), weak("네이버"),
    // Upstage
    strong("upstage").capital(), strong("업스테이지"), weak("solar").capital(), weak("솔라"),
    // SK Telecom
    strong("에이닷"), strong("a.x").upper().versioned(), weak("a.x").upper(),
    weak("sk텔레콤"), weak("sk telecom"), weak("skt").upper(),
    // Kakao
    strong("kanana"), strong("카나나"), weak("kakao"), weak("카카오"),
    // KT: 믿음 is also "faith, trust".
    strong("midm"), strong("mi:dm"), strong("믿:음"), weak("믿음"), weak("kt").upper(),
    // Trillion Labs: "trillion" is also a number.
    strong("trillion labs"), strong("트릴리온랩스"), strong("트릴리온 랩스"), strong("tri-").versioned(),
    weak("trillion").capital(), weak("트릴리온"),
    // Moreh
    weak("motif").capital(), weak("모티프"),
    // DeepSeek
    strong("deepseek"), strong("딥시크"),
    // xAI: "grok" is also an English verb.
    strong("grok").capital(), strong("그록"),
    // Microsoft: "copilot" is also a co-pilot.
    strong("copilot").capital(), strong("코파일럿"), weak("microsoft"), weak("마이크로소프트"),
    // Baidu: "Ernie" is also a first name, 文心雕龍 a classic of literary criticism.
    strong("ernie").upper(), strong("文心一言"), strong("文心").unless_followed_by(&["雕"]),
    weak("baidu"), weak("바이두"),

    // The identity context of ambiguous names.
    cue("제 이름은", Role::Naming), cue("저의 이름은", Role::Naming), cue("내 이름은", Role::Naming),
    cue("my name is", Role::Naming), cue("i am", Role::Naming), cue("i'm", Role::Naming),
    cue("i’m", Role::Naming),
    cue("저는", Role::FirstPerson), cue("저를", Role::FirstPerson), cue("저의", Role::FirstPerson),
    cue("제가", Role::FirstPerson), cue("나는", Role::FirstPerson), cue("i was", Role::FirstPerson),
    cue("개발한", Role::MadeKo), cue("개발된", Role::MadeKo), cue("개발하고", Role::MadeKo),
    cue("만든", Role::MadeKo), cue("만들어진", Role::MadeKo), cue("훈련한", Role::MadeKo),
    cue("훈련된", Role::MadeKo), cue("훈련시킨", Role::MadeKo), cue("학습한", Role::MadeKo),
    cue("학습된", Role::MadeKo), cue("학습시킨", Role::MadeKo), cue("제작한", Role::MadeKo),
    cue("설계한", Role::MadeKo), cue("구축한", Role::MadeKo),
    cue("developed by", Role::MadeBy), cue("trained by", Role::MadeBy),
    cue("created by", Role::MadeBy), cue("built by", Role::MadeBy), cue("made by", Role::MadeBy),
    cue("designed by", Role::MadeBy),
    cue("ai", Role::Assistant), cue("인공지능", Role::Assistant), cue("언어 모델", Role::Assistant),
    cue("언어모델", Role::Assistant), cue("모델", Role::Assistant), cue("어시스턴트", Role::Assistant),
    cue("챗봇", Role::Assistant), cue("비서", Role::Assistant), cue("assistant", Role::Assistant),
    cue("language model", Role::Assistant), cue("model", Role::Assistant),
    cue("chatbot", Role::Assistant), cue("llm", Role::Assistant),
];

/// What may follow a Hangul word and leave it the same word.
#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    "", "가", "이", "은", "는", "을", "를", "의", "에", "에서", "에서는", "에서도", "에게", "에는",
    "와", "과", "와의", "과의", "도", "로", "으로", "로서", "으로서", "만", "처럼", "보다", "나",
    "이나", "랑", "이랑", "께서", "인", "란", "이란", "라는", "이라는", "라고", "이라고", "이다",
    "입니다", "이에요", "예요", "이며", "이고", "이자", "였", "이었", "였습니다", "이었습니다",
];

/// Particles that say the word before them is what the subject is: "저는 솔라입니다".
#[rustfmt::skip]
const COPULAS: &[&str] = &[
    "이다", "입니다", "이에요", "예요", "이며", "이고", "이자", "라고", "이라고", "였습니다", "이었습니다",
];

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
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn term(text: &str) -> Option<String> {
        find(text).map(|leak| leak.term)
    }

    #[test]
    fn self_introductions_are_found_with_the_first_name_and_its_offset() {
        let leak = find("저는 OpenAI가 개발한 ChatGPT입니다.").unwrap();
        assert_eq!(leak.term, "OpenAI");
        assert_eq!(leak.at, "저는 ".len());
        for (text, expected) in [
            (
                "As an AI language model developed by OpenAI, I cannot",
                "OpenAI",
            ),
            ("저는 LG AI연구원이 만든 EXAONE입니다", "LG AI연구원"),
            ("저는 네이버가 개발한 하이퍼클로바X입니다", "네이버"),
            ("I'm Claude, made by Anthropic.", "Claude"),
            ("저는 업스테이지의 솔라입니다", "업스테이지"),
            ("저는 구글에서 훈련한 대규모 언어 모델입니다.", "구글"),
            ("I am Llama, created by Meta.", "Llama"),
            ("안녕하세요! 저는 엑사원이에요.", "엑사원"),
            ("저는 Qwen, 알리바바 클라우드가 만든 모델입니다", "Qwen"),
            ("I am a large language model, trained by Google.", "Google"),
            ("As an AI developed by Google, I", "Google"),
            ("저는 솔라입니다. 무엇을 도와드릴까요?", "솔라"),
            ("제 이름은 라마입니다.", "라마"),
            ("My name is **Bard**.", "Bard"),
            ("저는 메타의 AI입니다", "메타"),
            ("저는 KT가 개발한 믿음입니다", "KT"),
            ("카카오가 만든 AI 어시스턴트 카나나입니다", "카카오"),
            ("I'm DeepSeek-V3, an AI assistant.", "DeepSeek"),
            ("저는 Gemma 3입니다", "Gemma 3"),
            ("저는 SK텔레콤의 A.X 4.0입니다", "A.X 4.0"),
            ("我是通义千问，由阿里云开发的", "通义千问"),
        ] {
            assert_eq!(term(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn a_distinctive_name_counts_even_as_a_topic() {
        for (text, expected) in [
            ("ChatGPT 같은 도구로 초안을 잡아 보세요.", "ChatGPT"),
            ("GPT-4o와 GPT-3.5의 차이는", "GPT-4o"),
            ("gpt-3.5-turbo 모델을 쓰면", "gpt-3.5"),
            ("요즘은 챗GPT로 보고서를 씁니다", "챗GPT"),
            ("클로드는 긴 문서를 잘 요약합니다", "클로드"),
            ("Llama 2, Mistral 등 오픈 모델", "Llama 2"),
            ("Llama 3.1 8B를 양자화하면", "Llama 3.1"),
            ("Tri-21B 모델", "Tri-21B"),
            ("**GPT-3/4:** 블로그 게시물 작성", "GPT-3"),
            ("ChatGPT/Claude 비교", "ChatGPT"),
            ("딥시크가 화제입니다", "딥시크"),
            ("(예: Gemini, Claude)", "Gemini"),
        ] {
            assert_eq!(term(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn ordinary_korean_answers_are_not_flagged() {
        for text in [
            "솔라 패널 설치 보조금은 지자체마다 다릅니다.",
            "구글 지도에서 검색하세요.",
            "네이버 지도로 길을 찾으면 됩니다.",
            "메타버스 플랫폼에서 행사를 열 수 있습니다.",
            "메타 인지 능력을 기르려면",
            "믿음이 중요합니다.",
            "저는 믿음이 가장 중요하다고 생각합니다.",
            "라마단 기간에는 낮에 금식합니다.",
            "페루에서는 라마를 볼 수 있어요.",
            "솔라시도는 전남 해남에 있습니다.",
            "Claude Monet의 그림은 오랑주리 미술관에 있습니다.",
            "클로드 모네의 수련 연작",
            "Jean-Claude Van Damme 주연의 영화",
            "정보 이론은 클로드 섀넌이 세웠습니다.",
            "GPT를 활용한 업무 자동화 방법을 알려 드릴게요.",
            "저는 네이버에서 5년간 근무한 개발자입니다.",
            "저는 구글 애널리틱스 전문가로서 말씀드리면",
            "구글이 개발한 안드로이드는 모바일 운영체제입니다.",
            "카카오톡으로 보내세요. KTX 예매는 코레일톡에서.",
            "모티프를 반복해서 곡을 전개합니다.",
            "바드는 중세의 음유시인입니다.",
            "the anthropic principle says",
            "I am not sure whether Google Maps shows it.",
            "Claudette was there.",
            "sin(a.x) + cos(a.y)",
            "The Pixel is a phone made by Google.",
            "AutoGen은 Microsoft에서 개발한 도구로, 다양한 언어 모델을 연결합니다.",
            "저는 AI 챗봇입니다. 구글 지도에서 검색해 보세요.",
            "`BertModel`, `GPT2Model` 등을 사용할 수 있습니다.",
            "文心雕龍은 중국 문학 비평서입니다.",
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }

    #[test]
    fn code_urls_and_identifiers_are_not_self_identification() {
        let answer = "다음 코드를 실행하세요.\n\n\
                      ```python\nimport openai\nmodel = \"gpt-4o\"  # ChatGPT\n```\n\n\
                      자세한 내용은 https://platform.openai.com/docs 를 보세요. `openai_api_key`를 설정하고\n\
                      모델 이름은 meta-llama/Llama-2-7b-chat-hf 처럼, 음성 인식은 openai/whisper-large로.";
        assert_eq!(find(answer), None);
        let nested = "1. 설치\n    ```bash\n    pip install openai\n    ```\n2. ChatGPT에 물어보기";
        assert_eq!(term(nested).as_deref(), Some("ChatGPT"));
    }

    #[test]
    fn names_must_be_whole_words() {
        assert_eq!(find("OpenAIEmbeddings를 쓰면"), None);
        assert_eq!(find("TinyLlama-1.1B 모델"), None);
        assert_eq!(find("Capgemini와 Infosys"), None);
        assert_eq!(term("오픈AI가 발표했습니다").as_deref(), Some("오픈AI"));
        assert_eq!(term("Gemini에게 물어보면").as_deref(), Some("Gemini"));
        assert_eq!(term("제미나이에서는 그렇게").as_deref(), Some("제미나이"));
    }

    #[test]
    fn long_answers_take_one_pass() {
        let long = "구글 라마 솔라 메타 네이버 ".repeat(8_000);
        assert_eq!(find(&long), None);
        let with_leak = format!("{long}저는 ChatGPT입니다");
        assert_eq!(find(&with_leak).unwrap().at, long.len() + "저는 ".len());
    }

    #[test]
    fn no_answer_in_the_projects_sample_is_flagged() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample/battle-set.jsonl");
        let text = std::fs::read_to_string(path).unwrap();
        let mut answers = 0;
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let Some(list) = value.get("answers").and_then(|a| a.as_array()) else {
                continue;
            };
            for answer in list {
                let text = answer["text"].as_str().unwrap();
                assert_eq!(find(text), None, "{}: {text}", value["id"]);
                answers += 1;
            }
        }
        assert!(answers > 100, "read {answers} answers");
    }
}
