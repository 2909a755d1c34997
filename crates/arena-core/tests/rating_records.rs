//! Chatbot-Arena battle records: read what the public files hold, reject the rest with the
//! line number, and count them the way the engine expects.
#![allow(clippy::unwrap_used)]

use arena_core::Choice;
use arena_core::rating::records::{aggregate, categories, parse_battle_records};

const SAMPLE: &str = r#"{"model_a": "m1", "model_b": "m2", "winner": "model_a", "category": "coding", "tstamp": 1.5}
{"model_a": "m2", "model_b": "m1", "winner": "model_b", "category": "coding"}

{"model_a": "m1", "model_b": "m3", "winner": "tie", "category": null}
{"model_a": "m3", "model_b": "m1", "winner": "tie (bothbad)", "judge": {"x": [1, 2]}}
{"model_a": "m2", "model_b": "m3", "winner": "model_b", "category": "writing"}
"#;

#[test]
fn reads_the_four_verdicts_ignoring_other_fields_and_blank_lines() {
    let records = parse_battle_records(SAMPLE).unwrap();
    let choices: Vec<Choice> = records.iter().map(|r| r.choice).collect();
    assert_eq!(
        choices,
        [
            Choice::A,
            Choice::B,
            Choice::Tie,
            Choice::BothBad,
            Choice::B
        ]
    );
    assert_eq!(records[0].category.as_deref(), Some("coding"));
    assert_eq!(records[2].category, None);
    assert!(records.iter().all(|r| r.style.is_none()));
    assert_eq!(categories(&records), ["coding", "writing"]);
}

#[test]
fn aggregates_all_or_one_category_into_canonical_counts() {
    let records = parse_battle_records(SAMPLE).unwrap();
    let all = aggregate(&records, None);
    assert_eq!(all.total(), 5);
    assert_eq!(all, all.canonical());
    let coding = aggregate(&records, Some("coding"));
    assert_eq!(coding.total(), 2);
    // Sides are kept as voted: m1 won once on the left and once on the right.
    assert_eq!(coding.rows.len(), 2);
    assert!(aggregate(&records, Some("nothing")).rows.is_empty());
}

#[test]
fn every_bad_line_is_reported_with_its_number_and_reason() {
    let cases = [
        (
            "{\"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"model_c\"}",
            "model_c",
        ),
        (
            "{\"model_a\": \"x\", \"model_b\": \"y\"}",
            "missing `winner`",
        ),
        (
            "{\"model_b\": \"y\", \"winner\": \"tie\"}",
            "missing `model_a`",
        ),
        (
            "{\"model_a\": \" \", \"model_b\": \"y\", \"winner\": \"tie\"}",
            "`model_a` is empty",
        ),
        (
            "{\"model_a\": 3, \"model_b\": \"y\", \"winner\": \"tie\"}",
            "invalid type",
        ),
        (
            "{\"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"tie\"",
            "EOF",
        ),
        ("not json", "expected"),
        ("[1, 2]", "invalid type"),
    ];
    for (bad, reason) in cases {
        let input = format!("{}\n\n{bad}\n", SAMPLE.lines().next().unwrap());
        let err = parse_battle_records(&input).unwrap_err();
        assert_eq!(err.line, 3, "{bad}");
        assert!(err.message.contains(reason), "{bad}: {}", err.message);
        assert!(err.to_string().starts_with("line 3: "));
    }
}

#[test]
fn reads_the_public_arenas_style_metadata() {
    let line = r#"{"model_a": "a", "model_b": "b", "winner": "model_a", "conv_metadata": {"sum_user_tokens": 5, "sum_assistant_a_tokens": 420, "sum_assistant_b_tokens": 99, "context_a_tokens": 1, "context_b_tokens": 1, "turns": 1, "header_count_a": {"h1": 1, "h2": 2, "h3": 0, "h4": 0, "h5": 0, "h6": 1}, "header_count_b": {"h1": 0, "h2": 0, "h3": 0, "h4": 0, "h5": 0, "h6": 0}, "list_count_a": {"ordered": 3, "unordered": 4}, "list_count_b": {"ordered": 0, "unordered": 1}, "bold_count_a": {"**": 5, "__": 1}, "bold_count_b": {"**": 0, "__": 0}}}"#;
    let records = parse_battle_records(line).unwrap();
    let (a, b) = records[0].style.unwrap();
    assert_eq!(
        (a.length, a.header_count(), a.list_items, a.bold),
        (420, 4, 7, 6)
    );
    assert_eq!(
        (b.length, b.header_count(), b.list_items, b.bold),
        (99, 0, 1, 0)
    );

    let broken = line.replace("\"ordered\": 3, ", "");
    let err = parse_battle_records(&broken).unwrap_err();
    assert!(err.message.contains("ordered"), "{}", err.message);
}
