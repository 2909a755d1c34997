//! Names the caller knows and the table does not: the ids, display names and upstream model names
//! of the arena's own live models (`team-a-14b`, `Team A 14B`, `team-a-14b-chat`).
//!
//! An operator may give a model any name, so a name is matched only when it is specific enough to
//! be no ordinary word. Its letters are counted outside common words (words every model is
//! called, "AI", "model", "chat", "instruct", "모델", …, and words that take a number in ordinary
//! text, "step", "version", "단계", …). A name counts when it holds a digit and at least two such
//! letters (`team-a-14b`, `Tri-7B`, `gpt-4o`, `라이브 steady-1`), or at least eight such letters
//! without a digit (`Solar Pro`, `hyperclova-x-seed`). So "A", "A4", "o1", "2024", "모델",
//! "Model 1", "Step 3", "Team A" and "Kanana" are not matched as configured names (famous single
//! names like Kanana are in the table). A name with a `/` (`vendor/model-7b`) also counts by its
//! last part.
//!
//! A name is matched without ASCII case and with its parts written any usual way: the parts are
//! its runs of letters and of digits, and between two of them the answer may put up to three of
//! ` `, `-`, `_`, `.`, `/`, `:`, or nothing where letters meet digits. So `Team A 14B` is also
//! `team-a-14b`, `TEAM_A_14B` and `Team A14B`, but not `teama14b` (letters meeting letters need a
//! separator, as digits meeting digits do: `qwen2.5` is not `qwen25`). The boundaries are the
//! table's: a name starts where a word starts and ends where one ends (after Hangul, only a
//! particle may follow).

/// Common words: they do not make a name specific (see the module doc).
#[rustfmt::skip]
const COMMON: &[&str] = &[
    "ai", "llm", "lm", "model", "models", "chat", "chatbot", "bot", "assistant", "instruct", "it",
    "base", "preview", "latest", "v", "ver", "version", "step", "part", "level", "phase", "type",
    "case", "chapter", "section", "page", "round", "test", "demo",
    "모델", "언어", "언어모델", "챗봇", "봇", "어시스턴트", "비서", "인공지능", "버전", "단계", "레벨",
];

/// What may stand between two parts of a name in an answer.
const JOINERS: [char; 6] = [' ', '-', '_', '.', '/', ':'];
/// At most this many joiners in a row: "Team - A" still, not a sentence between two parts.
const MAX_JOINERS: usize = 3;

/// A name given by the caller, as its parts (lowercase ASCII; other letters as they are).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ConfiguredName {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    text: String,
    digits: bool,
}

impl ConfiguredName {
    /// The names `name` stands for: itself and, after a `/`, its last part; only the specific
    /// ones.
    pub(super) fn parse(name: &str) -> Vec<ConfiguredName> {
        let last = name.rsplit('/').next().filter(|last| *last != name);
        [Some(name), last]
            .into_iter()
            .flatten()
            .map(|name| ConfiguredName { parts: parts(name) })
            .filter(ConfiguredName::specific)
            .collect()
    }

    fn specific(&self) -> bool {
        let letters: usize = self
            .parts
            .iter()
            .filter(|p| !p.digits && !COMMON.contains(&p.text.as_str()))
            .map(|p| p.text.chars().count())
            .sum();
        let digit = self.parts.iter().any(|p| p.digits);
        (digit && letters >= 2) || letters >= 8
    }

    /// Where this name ends if `lower` (the ASCII-lowercased text) spells it at `at`.
    pub(super) fn end_at(&self, lower: &str, at: usize) -> Option<usize> {
        let mut i = at;
        for (n, part) in self.parts.iter().enumerate() {
            if n > 0 {
                let joiners = lower[i..]
                    .chars()
                    .take_while(|c| JOINERS.contains(c))
                    .take(MAX_JOINERS + 1)
                    .count();
                // Letters meeting letters, or digits digits, would be one longer part.
                let same_kind = self.parts[n - 1].digits == part.digits;
                if joiners > MAX_JOINERS || (joiners == 0 && same_kind) {
                    return None;
                }
                i += joiners;
            }
            if !lower[i..].starts_with(&part.text) {
                return None;
            }
            i += part.text.len();
        }
        Some(i)
    }
}

/// The runs of letters and of digits in `name`, lowercased; anything else separates them.
fn parts(name: &str) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    for c in name.chars().map(|c| c.to_ascii_lowercase()) {
        let digits = c.is_ascii_digit();
        if !(digits || c.is_alphabetic()) {
            // A separator: the next character starts a new part.
            if parts.last().is_some_and(|p| !p.text.is_empty()) {
                parts.push(Part {
                    text: String::new(),
                    digits: false,
                });
            }
            continue;
        }
        match parts.last_mut() {
            Some(last) if last.text.is_empty() || last.digits == digits => {
                last.text.push(c);
                last.digits = digits;
            }
            _ => parts.push(Part {
                text: c.to_string(),
                digits,
            }),
        }
    }
    parts.retain(|p| !p.text.is_empty());
    parts
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn texts(name: &str) -> Vec<String> {
        parts(name).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn a_name_is_its_runs_of_letters_and_digits() {
        assert_eq!(texts("Team A 14B"), ["team", "a", "14", "b"]);
        assert_eq!(texts("team-a-14b"), ["team", "a", "14", "b"]);
        assert_eq!(texts("qwen2.5"), ["qwen", "2", "5"]);
        assert_eq!(texts("Mi:dm 2.0"), ["mi", "dm", "2", "0"]);
        assert_eq!(texts("라이브 steady-1"), ["라이브", "steady", "1"]);
        assert_eq!(texts(" --"), Vec::<String>::new());
    }

    #[test]
    fn only_specific_names_are_kept() {
        for name in [
            "team-a-14b",
            "Team A 14B",
            "gpt-4o",
            "Tri-7B",
            "o3-mini",
            "라이브 steady-1",
            "Solar Pro",
            "hyperclova-x-seed",
        ] {
            assert_eq!(ConfiguredName::parse(name).len(), 1, "{name}");
        }
        for name in [
            "A",
            "A4",
            "o1",
            "R1",
            "A100",
            "2024",
            "v2",
            "모델",
            "AI 모델",
            "Model 1",
            "모델 2",
            "Step 3",
            "Team A",
            "Kanana",
            "default",
            "",
            "-",
        ] {
            assert_eq!(ConfiguredName::parse(name), [], "{name}");
        }
        // A vendor's path counts whole and by its last part.
        assert_eq!(ConfiguredName::parse("acme/hanbit-7b").len(), 2);
        // … but only when that part is specific itself.
        assert_eq!(
            ConfiguredName::parse("acme/A4"),
            ConfiguredName::parse("acme A4")
        );
    }

    #[test]
    fn separators_may_be_written_any_usual_way() {
        let name = &ConfiguredName::parse("Team A 14B")[0];
        for text in [
            "team a 14b",
            "team-a-14b",
            "team_a_14b",
            "team a14b",
            "team.a.14b",
            "team - a - 14b",
        ] {
            assert_eq!(name.end_at(text, 0), Some(text.len()), "{text}");
        }
        for text in ["teama14b", "team    a 14b", "team a 1 4b", "team b 14b"] {
            assert_eq!(name.end_at(text, 0), None, "{text}");
        }
        let qwen = &ConfiguredName::parse("qwen2.5-7b")[0];
        assert_eq!(qwen.end_at("qwen 2.5 7b", 0), Some(11));
        assert_eq!(qwen.end_at("qwen25-7b", 0), None);
    }
}
