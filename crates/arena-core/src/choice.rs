//! A citizen's verdict on one battle.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a voter chose after reading answers A and B.
///
/// On the wire and in the database it is `"a"`, `"b"`, `"tie"` or `"both_bad"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Answer A (left on a wide screen, first on a phone) is better.
    A,
    /// Answer B is better.
    B,
    /// Both are about equally good.
    Tie,
    /// Both are bad. For the rating this counts like a tie.
    BothBad,
}

impl Choice {
    pub const ALL: [Choice; 4] = [Choice::A, Choice::B, Choice::Tie, Choice::BothBad];

    pub fn as_str(self) -> &'static str {
        match self {
            Choice::A => "a",
            Choice::B => "b",
            Choice::Tie => "tie",
            Choice::BothBad => "both_bad",
        }
    }

    /// The `winner` field of the public Chatbot Arena battle data.
    pub fn arena_winner(self) -> &'static str {
        match self {
            Choice::A => "model_a",
            Choice::B => "model_b",
            Choice::Tie => "tie",
            Choice::BothBad => "tie (bothbad)",
        }
    }

    /// Reads a Chatbot Arena `winner` value.
    pub fn from_arena_winner(winner: &str) -> Option<Choice> {
        Choice::ALL.into_iter().find(|c| c.arena_winner() == winner)
    }

    /// The same verdict seen with the two answers swapped left/right.
    pub fn swapped(self) -> Choice {
        match self {
            Choice::A => Choice::B,
            Choice::B => Choice::A,
            other => other,
        }
    }

    /// The score of answer A: 1 for a win, 0 for a loss, ½ for a tie or both bad.
    pub fn score_a(self) -> f64 {
        match self {
            Choice::A => 1.0,
            Choice::B => 0.0,
            Choice::Tie | Choice::BothBad => 0.5,
        }
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was none of `a`, `b`, `tie`, `both_bad`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChoice(pub String);

impl fmt::Display for UnknownChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown choice {:?}: expected a, b, tie or both_bad",
            self.0
        )
    }
}

impl std::error::Error for UnknownChoice {}

impl FromStr for Choice {
    type Err = UnknownChoice;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Choice::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownChoice(s.to_owned()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_serde_and_from_str() {
        for c in Choice::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<Choice>(&json).unwrap(), c);
            assert_eq!(c.as_str().parse::<Choice>().unwrap(), c);
        }
        assert!("A".parse::<Choice>().is_err());
        assert!(serde_json::from_str::<Choice>("\"bothbad\"").is_err());
    }

    #[test]
    fn arena_winner_names_round_trip() {
        for c in Choice::ALL {
            assert_eq!(Choice::from_arena_winner(c.arena_winner()), Some(c));
        }
        assert_eq!(Choice::from_arena_winner("bothbad"), None);
    }

    #[test]
    fn swapping_sides_mirrors_the_score() {
        for c in Choice::ALL {
            assert_eq!(c.swapped().swapped(), c);
            assert_eq!(c.score_a() + c.swapped().score_a(), 1.0);
        }
    }
}
