//! Why a citizen preferred an answer: one-tap reasons asked after the vote, optional. They are
//! stored with the vote as a small bit set, and the leaderboard says per model how often each was
//! given for it. On the wire a reason is its snake_case code.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// 정확성
    Accuracy,
    /// 한국 맥락 이해
    KoreanContext,
    /// 자연스러운 한국어
    NaturalKorean,
    /// 유용성
    Usefulness,
    /// 안전성
    Safety,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::Accuracy,
        Reason::KoreanContext,
        Reason::NaturalKorean,
        Reason::Usefulness,
        Reason::Safety,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Accuracy => "accuracy",
            Reason::KoreanContext => "korean_context",
            Reason::NaturalKorean => "natural_korean",
            Reason::Usefulness => "usefulness",
            Reason::Safety => "safety",
        }
    }

    fn bit(self) -> i64 {
        1 << (self as u8)
    }

    /// The bit set stored with a vote (0: none given).
    pub fn mask(reasons: &[Reason]) -> i64 {
        reasons.iter().fold(0, |m, r| m | r.bit())
    }

    /// The reasons in a stored bit set, in [`Reason::ALL`] order; unknown bits are ignored.
    pub fn from_mask(mask: i64) -> Vec<Reason> {
        Reason::ALL
            .into_iter()
            .filter(|r| mask & r.bit() != 0)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_round_trips_through_its_mask() {
        let some = vec![Reason::KoreanContext, Reason::Safety];
        assert_eq!(Reason::from_mask(Reason::mask(&some)), some);
        assert_eq!(Reason::mask(&[]), 0);
        assert_eq!(
            Reason::from_mask(Reason::mask(&Reason::ALL)),
            Reason::ALL.to_vec()
        );
        // Repeats collapse; order does not matter.
        assert_eq!(
            Reason::mask(&[Reason::Safety, Reason::Accuracy, Reason::Safety]),
            Reason::mask(&[Reason::Accuracy, Reason::Safety])
        );
        assert_eq!(Reason::from_mask(1 << 20), vec![]);
    }

    #[test]
    fn codes_match_the_wire() {
        for r in Reason::ALL {
            assert_eq!(
                serde_json::to_string(&r).unwrap_or_default(),
                format!("\"{}\"", r.code())
            );
        }
    }
}
