//! Importing the FastChat / Arena-Hard layout that model teams already produce:
//! `question.jsonl` (one prompt per line) and `model_answer/<model>.jsonl` (one answer per line).
//!
//! ```text
//! question.jsonl:          {"question_id": "q1", "category": "writing", "turns": [{"content": "..."}]}
//! model_answer/m.jsonl:    {"question_id": "q1", "model_id": "m", "choices": [{"turns": [{"content": "..."}]}]}
//! ```
//! `turns` may also be plain strings (MT-Bench) and ids may be numbers. The arena shows
//! single-turn battles, so only the first turn of each prompt and answer is used. The result is a
//! [`BattleSet`] checked by the same rules as the battle-set file; every problem is reported with
//! its file and line, and nothing is returned unless all of it is good.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::battle_set::{
    AnswerRecord, BattleSet, FileLineError, MAX_ANSWER_LEN, PromptRecord, check_prompt,
};

/// How to read a FastChat folder.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// Replaces the questions' own category (Arena-Hard's is not a topic).
    pub category: Option<&'a str>,
    /// Leave out answers that break the arena's rules (longer than
    /// [`crate::battle_set::MAX_ANSWER_LEN`], a model answering twice) instead of refusing the
    /// folder; each one left out is reported.
    pub skip_bad_answers: bool,
}

/// A parsed folder and the answers left out under [`Options::skip_bad_answers`].
pub type Parsed = (BattleSet, Vec<FileLineError>);

fn error(file: &str, line: usize, message: String) -> FileLineError {
    FileLineError {
        file: file.into(),
        line,
        message,
    }
}

pub fn parse(
    questions: (&str, &str),
    answer_files: &[(&str, &str)],
    options: &Options<'_>,
) -> Result<Parsed, Vec<FileLineError>> {
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    let (question_file, question_text) = questions;
    let mut prompts: Vec<PromptRecord> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (line, value) in json_lines(question_file, question_text, &mut errors) {
        let (Some(id), Some(text)) = (id_of(&value), first_turn(value.get("turns"))) else {
            let message = "needs a question_id and turns with at least one prompt".into();
            errors.push(error(question_file, line, message));
            continue;
        };
        if index.contains_key(&id) {
            errors.push(error(
                question_file,
                line,
                format!("question_id {id:?} appears twice"),
            ));
            continue;
        }
        let category = options
            .category
            .map(str::to_owned)
            .or_else(|| {
                value
                    .get("category")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "일반".into());
        index.insert(id.clone(), prompts.len());
        prompts.push(PromptRecord {
            id,
            category,
            prompt: text,
            answers: Vec::new(),
        });
    }
    for (file, text) in answer_files {
        let default_model = file
            .rsplit('/')
            .next()
            .and_then(|name| name.strip_suffix(".jsonl"))
            .unwrap_or(file);
        for (line, value) in json_lines(file, text, &mut errors) {
            let Some(id) = id_of(&value) else {
                errors.push(error(file, line, "needs a question_id".into()));
                continue;
            };
            let model = value
                .get("model_id")
                .and_then(Value::as_str)
                .unwrap_or(default_model)
                .to_owned();
            let answer = value
                .get("choices")
                .and_then(Value::as_array)
                .and_then(|c| c.first())
                .and_then(|c| first_turn(c.get("turns")));
            let Some(answer) = answer else {
                let message = "needs choices[0].turns with at least one answer".into();
                errors.push(error(file, line, message));
                continue;
            };
            let Some(&i) = index.get(&id) else {
                let message = format!("question_id {id:?} is not in {question_file}");
                errors.push(error(file, line, message));
                continue;
            };
            let problem = if answer.chars().count() > MAX_ANSWER_LEN {
                Some(format!(
                    "the answer of {model:?} to {id:?} is longer than {MAX_ANSWER_LEN} characters"
                ))
            } else if prompts[i].answers.iter().any(|a| a.model == model) {
                Some(format!("{model:?} answers {id:?} twice"))
            } else {
                None
            };
            match problem {
                Some(message) if options.skip_bad_answers => {
                    skipped.push(error(file, line, message))
                }
                Some(message) => errors.push(error(file, line, message)),
                None => prompts[i].answers.push(AnswerRecord {
                    model,
                    text: answer,
                }),
            }
        }
    }
    for p in &mut prompts {
        p.answers.sort_by(|a, b| a.model.cmp(&b.model));
    }
    prompts.retain(|p| !p.answers.is_empty());
    for p in &prompts {
        if let Err(message) = check_prompt(p) {
            errors.push(error(
                question_file,
                index.get(&p.id).map_or(0, |i| i + 1),
                message,
            ));
        }
    }
    if prompts.is_empty() && errors.is_empty() {
        errors.push(error(question_file, 0, "no question has an answer".into()));
    }
    if errors.is_empty() {
        let set = BattleSet {
            models: Vec::new(),
            prompts,
        };
        Ok((set, skipped))
    } else {
        errors.truncate(50);
        Err(errors)
    }
}

fn json_lines(file: &str, text: &str, errors: &mut Vec<FileLineError>) -> Vec<(usize, Value)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.trim_start_matches('\u{feff}').trim();
        if raw.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(raw) {
            Ok(v) if v.is_object() => out.push((i + 1, v)),
            Ok(_) => errors.push(error(file, i + 1, "expected a JSON object".into())),
            Err(e) => errors.push(error(file, i + 1, format!("not valid JSON: {e}"))),
        }
    }
    out
}

fn id_of(value: &Value) -> Option<String> {
    match value.get("question_id")? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The first turn's text: `[{"content": "..."}]` or `["..."]`.
fn first_turn(turns: Option<&Value>) -> Option<String> {
    let first = turns?.as_array()?.first()?;
    let text = first.get("content").unwrap_or(first).as_str()?;
    (!text.trim().is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const QUESTIONS: &str = r#"{"question_id": "q1", "category": "arena-hard-v0.1", "turns": [{"content": "첫 질문"}, {"content": "둘째 턴"}]}
{"question_id": 81, "category": "writing", "turns": ["숫자 아이디 질문"]}
{"question_id": "q3", "turns": [{"content": "답이 없는 질문"}]}
"#;

    fn questions() -> (&'static str, &'static str) {
        ("question.jsonl", QUESTIONS)
    }

    #[test]
    fn reads_questions_and_answers_in_both_dialects() {
        let a = r#"{"question_id": "q1", "model_id": "model-a", "choices": [{"index": 0, "turns": [{"content": "답 A"}]}]}
{"question_id": 81, "model_id": "model-a", "choices": [{"turns": ["답 A2"]}]}"#;
        let b = r#"{"question_id": "q1", "choices": [{"turns": [{"content": "답 B"}]}]}"#;
        let files = [
            ("model_answer/model-a.jsonl", a),
            ("model_answer/model-b.jsonl", b),
        ];
        let (set, skipped) = parse(questions(), &files, &Options::default()).unwrap();
        assert!(skipped.is_empty());
        assert_eq!(set.prompts.len(), 2, "the unanswered question is left out");
        let q1 = &set.prompts[0];
        assert_eq!(
            (q1.id.as_str(), q1.category.as_str(), q1.prompt.as_str()),
            ("q1", "arena-hard-v0.1", "첫 질문")
        );
        let models: Vec<&str> = q1.answers.iter().map(|a| a.model.as_str()).collect();
        assert_eq!(
            models,
            vec!["model-a", "model-b"],
            "model from the file name when absent"
        );
        assert_eq!(set.prompts[1].id, "81");
        let options = Options {
            category: Some("코딩"),
            ..Options::default()
        };
        let (renamed, _) = parse(questions(), &[("m.jsonl", a)], &options).unwrap();
        assert!(renamed.prompts.iter().all(|p| p.category == "코딩"));
    }

    #[test]
    fn problems_name_their_file_and_line() {
        let bad = "{\"question_id\": \"q1\", \"choices\": []}\n{\"question_id\": \"zz\", \"choices\": [{\"turns\": [\"x\"]}]}\nnope\n";
        let files = [("model_answer/m.jsonl", bad)];
        let errors = parse(questions(), &files, &Options::default()).unwrap_err();
        let places: Vec<String> = errors
            .iter()
            .map(|e| format!("{}:{}", e.file, e.line))
            .collect();
        assert_eq!(
            places,
            vec![
                "model_answer/m.jsonl:3",
                "model_answer/m.jsonl:1",
                "model_answer/m.jsonl:2"
            ]
        );
        assert!(
            errors[2].message.contains("not in question.jsonl"),
            "{}",
            errors[2]
        );
    }

    #[test]
    fn an_over_long_answer_is_refused_or_skipped_on_request() {
        let long = "가".repeat(MAX_ANSWER_LEN + 1);
        let a = format!(
            "{{\"question_id\": \"q1\", \"choices\": [{{\"turns\": [\"{long}\"]}}]}}\n{{\"question_id\": 81, \"choices\": [{{\"turns\": [\"짧은 답\"]}}]}}\n"
        );
        let files = [("model_answer/m.jsonl", a.as_str())];
        let errors = parse(questions(), &files, &Options::default()).unwrap_err();
        assert_eq!(
            (errors[0].file.as_str(), errors[0].line),
            ("model_answer/m.jsonl", 1)
        );
        let lenient = Options {
            skip_bad_answers: true,
            ..Options::default()
        };
        let (set, skipped) = parse(questions(), &files, &lenient).unwrap();
        assert_eq!(set.prompts.len(), 1);
        assert_eq!((skipped.len(), skipped[0].line), (1, 1));
    }
}
