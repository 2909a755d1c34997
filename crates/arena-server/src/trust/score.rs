//! The score test both audits use: how far a model's results among some votes are from what the
//! ratings expect, `z = Σ(s − p) / √Σ p(1 − p)`, and which votes it may read.

use std::collections::HashMap;

use arena_core::Choice;

use crate::store::AuditVote;
use arena_core::Flags;

/// The expected score of `a` against `b` on the public arena's scale.
pub(super) fn expected(ra: f64, rb: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf((rb - ra) / 400.0))
}

pub(super) fn score_a(choice: Choice) -> f64 {
    match choice {
        Choice::A => 1.0,
        Choice::B => 0.0,
        Choice::Tie | Choice::BothBad => 0.5,
    }
}

/// Score-test sums for one model.
#[derive(Default, Clone, Copy, Debug)]
pub(super) struct Score {
    pub(super) u: f64,
    pub(super) info: f64,
    pub(super) battles: u32,
}

impl Score {
    pub(super) fn z(&self) -> f64 {
        if self.info <= 0.0 {
            0.0
        } else {
            self.u / self.info.sqrt()
        }
    }
}

pub(super) fn scores<'a>(
    votes: impl Iterator<Item = &'a AuditVote>,
    ratings: &HashMap<String, f64>,
) -> HashMap<&'a str, Score> {
    let mut out: HashMap<&str, Score> = HashMap::new();
    for v in votes {
        let (Some(ra), Some(rb)) = (ratings.get(&v.model_a), ratings.get(&v.model_b)) else {
            continue;
        };
        let p = expected(*ra, *rb);
        let s = score_a(v.choice);
        for (model, diff) in [(&v.model_a, s - p), (&v.model_b, p - s)] {
            let e = out.entry(model.as_str()).or_default();
            e.u += diff;
            e.info += p * (1.0 - p);
            e.battles += 1;
        }
    }
    out
}

/// Whether a vote is a reading of its voter's judgement: counted, or held by the audit itself
/// (so a hold does not hide the evidence it was found in). Votes kept for the sender's own
/// conduct (too fast, another voter's battle, beyond a cap) are not: they cost nothing to send,
/// and a neighbour sharing a school's address could otherwise make the honest voters there
/// look one-sided for free.
pub fn readable(flags: Flags) -> bool {
    flags.is_subset(Flags::REVIEWABLE)
}

/// A lean worth flagging: far beyond chance (`z`), enough battles, and large in itself (an
/// expected score off by at least [`MIN_EFFECT`] a battle), so that a big crowd's small real
/// taste (say, for one category) is never mistaken for a script.
pub(super) fn leans(score: &Score, z: f64, min_battles: u32) -> bool {
    score.battles >= min_battles
        && score.z().abs() >= z
        && score.u.abs() >= MIN_EFFECT * f64::from(score.battles)
}

/// Smallest lean, in expected score per battle, that the audit flags.
pub(super) const MIN_EFFECT: f64 = 0.15;
