//! The browser's check: does the table it recomputed from the published counts match the one
//! the server published?
//!
//! Numbers are compared exactly, with one allowance: two ULPs (units in the last place) per
//! float. The server's table reaches the browser as JSON, and serde_json's default float
//! parser (without its `float_roundtrip` feature) may land one ULP away from the value that
//! was printed. Two ULPs is ~10⁻¹³ of a rating point, far below anything shown, and far below
//! the gap any real difference in data or code would make.

use super::table::{RatedModel, RatingTable};

/// Floats this many representable values apart or fewer count as equal.
pub const MAX_ULPS: u64 = 2;

/// Human-readable differences between the server's table and a local recomputation; empty
/// when they match.
pub fn compare(server: &RatingTable, local: &RatingTable) -> Vec<String> {
    let mut diffs = Vec::new();
    if server.total_battles != local.total_battles {
        diffs.push(format!(
            "total battles: server {}, here {}",
            server.total_battles, local.total_battles
        ));
    }
    if server.models.len() != local.models.len() {
        diffs.push(format!(
            "number of models: server {}, here {}",
            server.models.len(),
            local.models.len()
        ));
    }
    for (position, (s, l)) in server.models.iter().zip(&local.models).enumerate() {
        compare_model(position + 1, s, l, &mut diffs);
    }
    if server.components != local.components {
        diffs.push(format!(
            "groups of models: server {}, here {}",
            server.components, local.components
        ));
    }
    if server.anchor != local.anchor {
        diffs.push(format!(
            "anchor: server {:?}, here {:?}",
            server.anchor, local.anchor
        ));
    }
    let settings = (server.bootstrap_rounds, server.seed, server.min_votes);
    if settings != (local.bootstrap_rounds, local.seed, local.min_votes) {
        diffs.push(format!(
            "settings (rounds, seed, min votes): server {:?}, here {:?}",
            settings,
            (local.bootstrap_rounds, local.seed, local.min_votes)
        ));
    }
    if server.battle_count != local.battle_count {
        diffs.push("battle-count matrix differs".to_owned());
    }
    let rates_match = server.win_rate.len() == local.win_rate.len()
        && server.win_rate.iter().zip(&local.win_rate).all(|(a, b)| {
            a.len() == b.len()
                && a.iter().zip(b).all(|pair| match pair {
                    (Some(x), Some(y)) => same(*x, *y),
                    (None, None) => true,
                    _ => false,
                })
        });
    if !rates_match {
        diffs.push("win-rate matrix differs".to_owned());
    }
    diffs
}

fn compare_model(position: usize, s: &RatedModel, l: &RatedModel, diffs: &mut Vec<String>) {
    if s.id != l.id {
        diffs.push(format!("#{position}: server {}, here {}", s.id, l.id));
        return;
    }
    let id = &s.id;
    for (what, a, b) in [
        ("rating", s.rating, l.rating),
        ("lower bound", s.ci_low, l.ci_low),
        ("upper bound", s.ci_high, l.ci_high),
    ] {
        if !same(a, b) {
            diffs.push(format!("{id} {what}: server {a}, here {b}"));
        }
    }
    if s.votes != l.votes {
        diffs.push(format!("{id} votes: server {}, here {}", s.votes, l.votes));
    }
    if s.rank != l.rank {
        diffs.push(format!("{id} rank: server {}, here {}", s.rank, l.rank));
    }
    if s.provisional != l.provisional {
        diffs.push(format!(
            "{id} provisional: server {}, here {}",
            s.provisional, l.provisional
        ));
    }
}

/// Equal within [`MAX_ULPS`]; NaN equals nothing.
fn same(a: f64, b: f64) -> bool {
    if a == b {
        return true;
    }
    if !a.is_finite() || !b.is_finite() || (a < 0.0) != (b < 0.0) {
        return false;
    }
    a.to_bits().abs_diff(b.to_bits()) <= MAX_ULPS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_match_within_two_ulps_only() {
        let x = 1234.567_f64;
        let next = f64::from_bits(x.to_bits() + 1);
        let far = f64::from_bits(x.to_bits() + 3);
        assert!(same(x, x) && same(x, next) && same(next, x));
        assert!(!same(x, far));
        assert!(!same(x, -x) && !same(f64::NAN, f64::NAN));
    }
}
