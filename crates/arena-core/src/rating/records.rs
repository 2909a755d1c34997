//! Battle records in the Chatbot Arena's JSONL format, for the operator CLI and the tests.
//!
//! One JSON object per line with `model_a`, `model_b` and `winner` (`model_a`, `model_b`,
//! `tie` or `tie (bothbad)`), optionally `category` (a string or null) and the public arena's
//! `conv_metadata` (answer length in tokens and header, list and bold counts per side), which
//! style control needs. Other fields are ignored; blank lines are skipped. Parsing is pure
//! (`&str` in, values out) so the CLI, the tests and the benchmark share it, and every error
//! names its 1-based line.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use super::counts::BattleCounts;
use crate::Choice;
use crate::markdown::StyleFeatures;

/// One battle as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct BattleRecord {
    /// 1-based line of the input it came from.
    pub line: usize,
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub category: Option<String>,
    /// Style of answers A and B, when the record carries `conv_metadata`.
    pub style: Option<(StyleFeatures, StyleFeatures)>,
}

/// Why a line could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    /// 1-based line number in the input.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RecordError {}

#[derive(Deserialize)]
struct RawRecord<'a> {
    #[serde(borrow)]
    model_a: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model_b: Option<Cow<'a, str>>,
    #[serde(borrow)]
    winner: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    category: Option<Cow<'a, str>>,
    #[serde(default)]
    conv_metadata: Option<ConvMetadata>,
}

/// The public arena's per-battle style counts (`..._a` for answer A, `..._b` for B).
#[derive(Deserialize)]
struct ConvMetadata {
    sum_assistant_a_tokens: u64,
    sum_assistant_b_tokens: u64,
    header_count_a: Headers,
    header_count_b: Headers,
    list_count_a: Lists,
    list_count_b: Lists,
    bold_count_a: Bold,
    bold_count_b: Bold,
}

#[derive(Deserialize)]
struct Headers {
    h1: u32,
    h2: u32,
    h3: u32,
    h4: u32,
    h5: u32,
    h6: u32,
}

#[derive(Deserialize)]
struct Lists {
    ordered: u32,
    unordered: u32,
}

#[derive(Deserialize)]
struct Bold {
    #[serde(rename = "**")]
    stars: u32,
    #[serde(rename = "__")]
    underscores: u32,
}

fn features(tokens: u64, headers: &Headers, lists: &Lists, bold: &Bold) -> StyleFeatures {
    StyleFeatures {
        length: u32::try_from(tokens).unwrap_or(u32::MAX),
        headers: [
            headers.h1, headers.h2, headers.h3, headers.h4, headers.h5, headers.h6,
        ],
        list_items: lists.ordered.saturating_add(lists.unordered),
        bold: bold.stars.saturating_add(bold.underscores),
    }
}

/// Reads every record, or says which line is wrong and why.
pub fn parse_battle_records(input: &str) -> Result<Vec<BattleRecord>, RecordError> {
    let mut records = Vec::new();
    for (index, text) in input.lines().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        let line = index + 1;
        records.push(parse_line(text, line).map_err(|message| RecordError { line, message })?);
    }
    Ok(records)
}

fn parse_line(text: &str, line: usize) -> Result<BattleRecord, String> {
    let raw: RawRecord = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let name = |field: Option<Cow<str>>, key: &str| match field {
        Some(name) if !name.trim().is_empty() => Ok(name.into_owned()),
        Some(_) => Err(format!("`{key}` is empty")),
        None => Err(format!("missing `{key}`")),
    };
    let model_a = name(raw.model_a, "model_a")?;
    let model_b = name(raw.model_b, "model_b")?;
    let choice = match raw.winner.as_deref() {
        None => return Err("missing `winner`".to_owned()),
        Some(winner) => Choice::from_arena_winner(winner).ok_or_else(|| {
            format!(
                "`winner` is {winner:?}; expected \"model_a\", \"model_b\", \"tie\" or \"tie (bothbad)\""
            )
        })?,
    };
    let style = raw.conv_metadata.map(|m| {
        (
            features(
                m.sum_assistant_a_tokens,
                &m.header_count_a,
                &m.list_count_a,
                &m.bold_count_a,
            ),
            features(
                m.sum_assistant_b_tokens,
                &m.header_count_b,
                &m.list_count_b,
                &m.bold_count_b,
            ),
        )
    });
    Ok(BattleRecord {
        line,
        model_a,
        model_b,
        choice,
        category: raw.category.map(Cow::into_owned),
        style,
    })
}

/// Counts the records, all of them (`None`) or those of one category, in canonical form.
pub fn aggregate(records: &[BattleRecord], category: Option<&str>) -> BattleCounts {
    // Hashing is only for speed: the rows are sorted before anyone sees them.
    let mut cells: HashMap<(&str, &str, Choice), u64> = HashMap::new();
    for record in records {
        if category.is_some() && record.category.as_deref() != category {
            continue;
        }
        *cells
            .entry((&record.model_a, &record.model_b, record.choice))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = cells.into_iter().collect();
    rows.sort_unstable();
    let mut counts = BattleCounts::default();
    for ((model_a, model_b, choice), count) in rows {
        counts.add(model_a, model_b, choice, count);
    }
    counts
}

/// The categories present, sorted.
pub fn categories(records: &[BattleRecord]) -> Vec<String> {
    let mut names: Vec<String> = records.iter().filter_map(|r| r.category.clone()).collect();
    names.sort_unstable();
    names.dedup();
    names
}
