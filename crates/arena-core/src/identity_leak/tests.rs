#![allow(clippy::unwrap_used)]
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
