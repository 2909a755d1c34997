//! The identity check of live answers: a live model that names itself in code, in an identifier
//! or by the arena's own name for it gives the battle away as surely as one that says "저는
//! ChatGPT입니다". Imported answers keep the lenient reading (`identity_leak::find`).

use arena_core::identity_leak::{LiveCheck, find};

/// The arena's two live models, as an operator would configure them: id, display name and
/// upstream model name each.
fn arena() -> LiveCheck {
    LiveCheck::new([
        "team-a-14b",
        "Team A 14B",
        "team-a-14b-chat",
        "hanbit-7b",
        "한빛 7B",
        "acme/hanbit-7b-instruct",
    ])
}

#[track_caller]
fn live_term(check: &LiveCheck, text: &str) -> Option<String> {
    check.find(text).map(|leak| leak.term)
}

#[test]
fn code_blocks_and_inline_code_are_read_in_live_answers() {
    let none = LiveCheck::default();
    for (text, expected) in [
        (
            "예시 코드입니다.\n\n```python\nfrom openai import OpenAI\nclient = OpenAI()\n```",
            "openai",
        ),
        (
            "```\n# 이 코드는 ChatGPT가 작성했습니다\nprint(1)\n```",
            "ChatGPT",
        ),
        ("~~~text\nI am Claude, made by Anthropic.\n~~~", "Claude"),
        ("설정은 `model = \"gpt_4o\"` 한 줄이면 됩니다.", "gpt_4o"),
        ("`openai_api_key`를 설정하세요.", "openai"),
    ] {
        assert_eq!(find(text), None, "an import leaves code alone: {text}");
        assert_eq!(live_term(&none, text).as_deref(), Some(expected), "{text}");
    }
    // A configured name in a code block, as a model might sign its work.
    let signed = "```json\n{\"model\": \"team-a-14b\", \"answer\": 42}\n```";
    assert_eq!(find(signed), None);
    assert_eq!(live_term(&arena(), signed).as_deref(), Some("team-a-14b"));
}

#[test]
fn names_glued_to_dots_slashes_and_underscores_are_read() {
    let none = LiveCheck::default();
    for (text, expected) in [
        ("자세한 내용은 api.openai.com 을 보세요.", "openai"),
        ("음성 인식은 openai/whisper-large로.", "openai"),
        ("meta-llama/Llama-2-7b-chat-hf 처럼", "Llama-2"),
        ("환경 변수 OPENAI_API_KEY", "OPENAI"),
        ("claude_3 모듈", "claude"),
    ] {
        assert_eq!(
            find(text),
            None,
            "an import leaves identifiers alone: {text}"
        );
        assert_eq!(live_term(&none, text).as_deref(), Some(expected), "{text}");
    }
    for (text, expected) in [
        ("이 답변을 쓴 모델은 team-a-14b.", "team-a-14b"),
        ("경로: vendor/team-a-14b", "team-a-14b"),
        ("파일명 team_a_14b.gguf", "team_a_14b"),
    ] {
        assert_eq!(
            live_term(&arena(), text).as_deref(),
            Some(expected),
            "{text}"
        );
    }
}

#[test]
fn a_configured_model_is_known_by_its_id_name_and_upstream_name() {
    let arena = arena();
    for (text, expected) in [
        ("안녕하세요, 저는 Team A 14B입니다.", "Team A 14B"),
        ("I am team-a-14b, how can I help?", "team-a-14b"),
        ("(team-a-14b-chat)", "team-a-14b-chat"),
        ("TEAM_A_14B here.", "TEAM_A_14B"),
        ("저는 한빛 7B예요.", "한빛 7B"),
        ("제 이름은 Hanbit-7B입니다", "Hanbit-7B"),
        ("model: acme/hanbit-7b-instruct", "acme/hanbit-7b-instruct"),
        ("hanbit-7b-instruct로 답합니다", "hanbit-7b-instruct"),
    ] {
        let leak = arena.find(text);
        assert_eq!(
            leak.as_ref().map(|l| l.term.as_str()),
            Some(expected),
            "{text}"
        );
        assert_eq!(find(text), None, "no name of the table: {text}");
    }
    let leak = arena
        .find("좋은 질문이에요. 저는 한빛 7B예요.")
        .expect("the display name is found");
    assert_eq!(leak.at, "좋은 질문이에요. 저는 ".len());
    // The built-in table still counts, with or without configured names.
    assert_eq!(
        live_term(&arena, "저는 OpenAI가 만든 ChatGPT입니다.").as_deref(),
        Some("OpenAI")
    );
}

#[test]
fn configured_names_count_only_when_specific_and_whole() {
    // An operator's careless names beside a good one.
    let check = LiveCheck::new([
        "A",
        "모델",
        "A4",
        "2024",
        "Model 1",
        "Step 3",
        "Team A",
        "default",
        "hanbit-7b",
    ]);
    for name in [
        "A", "모델", "A4", "2024", "Model 1", "Step 3", "Team A", "default",
    ] {
        assert!(!LiveCheck::is_specific(name), "{name}");
    }
    for name in ["hanbit-7b", "Team A 14B", "Solar Pro", "acme/hanbit-7b"] {
        assert!(LiveCheck::is_specific(name), "{name}");
    }
    for text in [
        "A/B 테스트에서 A안이 이겼습니다.",
        "이 모델은 A4 용지 2024장 분량의 문서를 요약합니다.",
        "Model 1과 Model 2를 비교하면 정확도가 다릅니다.",
        "Step 3: 배추를 소금물에 절입니다.",
        "Team A와 Team B가 맞붙었습니다.",
        "기본값(default)을 쓰세요.",
        "솔라 패널 설치 보조금은 지자체마다 다릅니다.",
        "구글 지도에서 검색하세요.",
        "메타버스 플랫폼에서 행사를 열 수 있습니다.",
        "저는 네이버에서 5년간 근무한 개발자입니다.",
        "`BertModel`, `GPT2Model` 등을 사용할 수 있습니다.",
        "sin(a.x) + cos(a.y)",
        "TinyLlama-1.1B 모델",
        // A configured name inside a longer word is another word.
        "myhanbit-7b, hanbit-7bx, hanbit-75b, hanbit7b2",
        "```\nlet total = 2024 + 14;\n```",
    ] {
        assert_eq!(check.find(text), None, "{text}");
    }
    assert_eq!(
        live_term(&check, "저는 hanbit 7b입니다").as_deref(),
        Some("hanbit 7b")
    );
}
