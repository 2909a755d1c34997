//! The table `identity_leak` reads: every name of a model or its maker (strong names alone, weak
//! ones only in an identity context), the cue phrases of that context, and the Korean particles
//! that may follow a name.

use super::{Pattern, Role, cue, strong, weak};

#[rustfmt::skip]
const OTHER_CLAUDES: &[&str] = &[
    " monet", " debussy", " shannon", " lévi", " levi", " bernard", " lorrain", " chabrol",
    " van damme", " 모네", " 드뷔시", " 섀넌", " 새넌", " 샤논", " 레비", " 베르나르", " 로랭", " 반담",
];

/// Names grouped by maker, then cue phrases. Where two match at one place the longer wins
/// ("GPT-4" over "GPT", "LG AI연구원" over "LG").
#[rustfmt::skip]
pub(super) const PATTERNS: &[Pattern] = &[
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
pub(super) const PARTICLES: &[&str] = &[
    "", "가", "이", "은", "는", "을", "를", "의", "에", "에서", "에서는", "에서도", "에게", "에는",
    "와", "과", "와의", "과의", "도", "로", "으로", "로서", "으로서", "만", "처럼", "보다", "나",
    "이나", "랑", "이랑", "께서", "인", "란", "이란", "라는", "이라는", "라고", "이라고", "이다",
    "입니다", "이에요", "예요", "이며", "이고", "이자", "였", "이었", "였습니다", "이었습니다",
];

/// Particles that say the word before them is what the subject is: "저는 솔라입니다".
#[rustfmt::skip]
pub(super) const COPULAS: &[&str] = &[
    "이다", "입니다", "이에요", "예요", "이며", "이고", "이자", "라고", "이라고", "였습니다", "이었습니다",
];
