//! The battle-set file that operators import: JSON Lines, one prompt with its answers per line.
//!
//! ```text
//! {"models": [{"id": "sample-haneul", "name": "하늘 (샘플)"}], "description": "optional"}
//! {"id": "law-001", "category": "법률·행정", "prompt": "...", "answers": [{"model": "sample-haneul", "text": "markdown"}, ...]}
//! ```
//! A line with a `models` key gives display names; a model that is never declared is shown by its
//! id. Blank lines are skipped. Parsing is pure and all-or-nothing: it returns the whole set or
//! every bad line (1-based line number and what is wrong), so the importer can refuse the file
//! before it stores anything.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest id (prompt or model) we accept; ids end up in URLs, tokens and exports.
pub const MAX_ID_LEN: usize = 128;
pub const MAX_CATEGORY_LEN: usize = 64;
pub const MAX_PROMPT_LEN: usize = 20_000;
pub const MAX_ANSWER_LEN: usize = 100_000;
/// At most this many problems are reported; a file with more is wrong in some general way.
const MAX_REPORTED_ERRORS: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelDecl {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerRecord {
    pub model: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptRecord {
    pub id: String,
    pub category: String,
    pub prompt: String,
    pub answers: Vec<AnswerRecord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelsLine {
    models: Vec<ModelDecl>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
}

/// A parsed, validated battle set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BattleSet {
    /// The models declared with a display name, sorted by id.
    pub models: Vec<ModelDecl>,
    /// Prompts in file order.
    pub prompts: Vec<PromptRecord>,
}

impl BattleSet {
    pub fn answer_count(&self) -> usize {
        self.prompts.iter().map(|p| p.answers.len()).sum()
    }

    /// Models that answer but have no declared name (sorted, once each). An importer names a
    /// new one by its id and leaves the name of a known one alone.
    pub fn undeclared_models(&self) -> Vec<&str> {
        let declared: std::collections::BTreeSet<&str> =
            self.models.iter().map(|m| m.id.as_str()).collect();
        let answering: std::collections::BTreeSet<&str> = self
            .prompts
            .iter()
            .flat_map(|p| &p.answers)
            .map(|a| a.model.as_str())
            .collect();
        answering.difference(&declared).copied().collect()
    }
}

/// One thing wrong with one line of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// One problem in one file of an import (a battle-set file, or a file of a FastChat folder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLineError {
    pub file: String,
    /// 1-based; 0 when the problem is not on one line.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for FileLineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl LineError {
    /// The same problem, naming the file it is in.
    pub fn in_file(self, file: &str) -> FileLineError {
        FileLineError {
            file: file.into(),
            line: self.line,
            message: self.message,
        }
    }
}

/// Parses a whole battle-set file. On failure, every bad line is reported (up to 50).
pub fn parse(text: &str) -> Result<BattleSet, Vec<LineError>> {
    parse_with(text, false).map(|(set, _)| set)
}

/// Like [`parse`]; with `skip_bad_answers`, an answer that breaks the rules (empty, or longer
/// than [`MAX_ANSWER_LEN`]) is left out and listed instead of refusing the file, and a prompt
/// left with no answer is left out too. Real files of many models' answers have a few empty ones.
pub fn parse_with(
    text: &str,
    skip_bad_answers: bool,
) -> Result<(BattleSet, Vec<LineError>), Vec<LineError>> {
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    let mut declared: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut prompts: Vec<PromptRecord> = Vec::new();
    let mut prompt_lines: BTreeMap<String, usize> = BTreeMap::new();

    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let mut fail = |message: String| errors.push(LineError { line, message });
        let raw = raw.trim_start_matches('\u{feff}').trim();
        if raw.is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(e) => {
                fail(format!("not valid JSON: {e}"));
                continue;
            }
        };
        if !value.is_object() {
            fail("expected a JSON object".into());
            continue;
        }
        if value.get("models").is_some() {
            match serde_json::from_value::<ModelsLine>(value) {
                Ok(decls) => {
                    for m in decls.models {
                        if let Err(msg) = check_id("model id", &m.id) {
                            fail(msg);
                        } else if m.name.trim().is_empty() || m.name.chars().count() > MAX_ID_LEN {
                            fail(format!(
                                "model {:?}: name must be 1 to {MAX_ID_LEN} characters",
                                m.id
                            ));
                        } else if let Some((name, first)) = declared.get(&m.id) {
                            if name != m.name.trim() {
                                fail(format!(
                                    "model {:?} is already declared on line {first} with another name",
                                    m.id
                                ));
                            }
                        } else {
                            declared.insert(m.id, (m.name.trim().to_owned(), line));
                        }
                    }
                }
                Err(e) => fail(format!("bad models line: {e}")),
            }
            continue;
        }
        let mut record: PromptRecord = match serde_json::from_value(value) {
            Ok(r) => r,
            Err(e) => {
                fail(format!("bad prompt line: {e}"));
                continue;
            }
        };
        if skip_bad_answers {
            let id = record.id.clone();
            record.answers.retain(|a| {
                let bad = a.text.trim().is_empty() || a.text.chars().count() > MAX_ANSWER_LEN;
                if bad {
                    skipped.push(LineError {
                        line,
                        message: format!(
                            "prompt {id:?}: the answer of {:?} must be 1 to {MAX_ANSWER_LEN} characters",
                            a.model
                        ),
                    });
                }
                !bad
            });
            if record.answers.is_empty() {
                skipped.push(LineError {
                    line,
                    message: format!("prompt {id:?}: no answer left"),
                });
                continue;
            }
        }
        match check_prompt(&record) {
            Err(msg) => fail(msg),
            Ok(()) => {
                if let Some(first) = prompt_lines.get(&record.id) {
                    fail(format!(
                        "prompt id {:?} already used on line {first}",
                        record.id
                    ));
                } else {
                    prompt_lines.insert(record.id.clone(), line);
                    prompts.push(record);
                }
            }
        }
        if errors.len() >= MAX_REPORTED_ERRORS {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if prompts.is_empty() {
        return Err(vec![LineError {
            line: text.lines().count().max(1),
            message: "the file holds no prompts".into(),
        }]);
    }

    let set = BattleSet {
        models: declared
            .into_iter()
            .map(|(id, (name, _))| ModelDecl { id, name })
            .collect(),
        prompts,
    };
    Ok((set, skipped))
}

/// Whether `id` may name a model or a prompt: 1 to [`MAX_ID_LEN`] characters, no spaces or control characters.
pub fn check_id(what: &str, id: &str) -> Result<(), String> {
    if id.is_empty() || id.chars().count() > MAX_ID_LEN {
        return Err(format!("{what} must be 1 to {MAX_ID_LEN} characters"));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{what} {id:?} must not contain spaces or control characters"
        ));
    }
    Ok(())
}

pub(crate) fn check_prompt(p: &PromptRecord) -> Result<(), String> {
    check_id("prompt id", &p.id)?;
    let category = p.category.trim();
    if category.is_empty() || category.chars().count() > MAX_CATEGORY_LEN {
        return Err(format!(
            "prompt {:?}: category must be 1 to {MAX_CATEGORY_LEN} characters",
            p.id
        ));
    }
    if p.prompt.trim().is_empty() || p.prompt.chars().count() > MAX_PROMPT_LEN {
        return Err(format!(
            "prompt {:?}: prompt text must be 1 to {MAX_PROMPT_LEN} characters",
            p.id
        ));
    }
    if p.answers.is_empty() {
        return Err(format!("prompt {:?}: no answers", p.id));
    }
    let mut seen = std::collections::BTreeSet::new();
    for a in &p.answers {
        check_id("answer model", &a.model).map_err(|m| format!("prompt {:?}: {m}", p.id))?;
        if !seen.insert(a.model.as_str()) {
            return Err(format!(
                "prompt {:?}: model {:?} answers twice",
                p.id, a.model
            ));
        }
        if a.text.trim().is_empty() || a.text.chars().count() > MAX_ANSWER_LEN {
            return Err(format!(
                "prompt {:?}: the answer of {:?} must be 1 to {MAX_ANSWER_LEN} characters",
                p.id, a.model
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"models": [{"id": "m1", "name": "모델 하나"}], "description": "test"}

{"id": "p1", "category": "역사", "prompt": "훈민정음은?", "answers": [{"model": "m1", "text": "1443년"}, {"model": "m2", "text": "몰라요"}]}
{"id": "p2", "category": "사투리", "prompt": "머라카노?", "answers": [{"model": "m2", "text": "뭐라고 하니?"}]}
"#;

    #[test]
    fn parses_models_and_prompts_and_lists_undeclared_models() {
        let set = parse(GOOD).unwrap();
        assert_eq!(set.prompts.len(), 2);
        assert_eq!(set.answer_count(), 3);
        assert_eq!(
            set.models,
            vec![ModelDecl {
                id: "m1".into(),
                name: "모델 하나".into()
            }]
        );
        assert_eq!(set.undeclared_models(), vec!["m2"]);
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let text = "{\"id\": \"p1\", \"category\": \"역사\", \"prompt\": \"q\", \"answers\": [{\"model\": \"m\", \"text\": \"a\"}]}\nnot json\n{\"id\": \"p1\", \"category\": \"역사\", \"prompt\": \"q\", \"answers\": [{\"model\": \"m\", \"text\": \"a\"}]}\n{\"id\": \"p3\", \"category\": \"\", \"prompt\": \"q\", \"answers\": []}\n[1]\n{\"id\": \"p4\", \"category\": \"c\", \"prompt\": \"q\", \"answers\": [{\"model\": \"m\", \"text\": \"a\"}], \"extra\": 1}\n";
        let errors = parse(text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6], "{errors:?}");
        assert!(errors[0].message.contains("not valid JSON"));
        assert!(errors[1].message.contains("already used on line 1"));
        assert!(errors[2].message.contains("category"));
        assert!(errors[4].message.contains("extra"), "{}", errors[4]);
    }

    #[test]
    fn bad_answers_are_left_out_and_listed_when_asked() {
        let text = r#"{"id": "p1", "category": "역사", "prompt": "훈민정음은?", "answers": [{"model": "m1", "text": "1443년"}, {"model": "m2", "text": "  "}]}
{"id": "p2", "category": "역사", "prompt": "한글날은?", "answers": [{"model": "m2", "text": ""}]}
"#;
        let refused = parse(text).unwrap_err();
        assert_eq!(refused.len(), 2, "{refused:?}");
        let (set, skipped) = parse_with(text, true).unwrap();
        assert_eq!(set.prompts.len(), 1);
        assert_eq!(set.prompts[0].answers.len(), 1);
        assert_eq!(set.prompts[0].answers[0].model, "m1");
        let lines: Vec<usize> = skipped.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![1, 2, 2], "{skipped:?}");
        assert!(skipped[2].message.contains("no answer left"));
    }

    #[test]
    fn rejects_duplicate_answers_bad_ids_and_empty_files() {
        let dup = r#"{"id": "p", "category": "c", "prompt": "q", "answers": [{"model": "m", "text": "a"}, {"model": "m", "text": "b"}]}"#;
        assert!(parse(dup).unwrap_err()[0].message.contains("answers twice"));
        let bad_id = r#"{"id": "p 1", "category": "c", "prompt": "q", "answers": [{"model": "m", "text": "a"}]}"#;
        assert!(parse(bad_id).unwrap_err()[0].message.contains("spaces"));
        assert!(parse("\n\n").unwrap_err()[0].message.contains("no prompts"));
        let renamed = "{\"models\": [{\"id\": \"m\", \"name\": \"가\"}]}\n{\"models\": [{\"id\": \"m\", \"name\": \"나\"}]}\n";
        assert!(parse(renamed).unwrap_err()[0].message.contains("line 1"));
    }
}
