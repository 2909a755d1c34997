#![allow(clippy::unwrap_used)]
use super::*;
use arena_core::Flags;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const NOW: i64 = 100 * 24 * HOUR_MS;
const MODELS: usize = 12;

fn strength(m: usize) -> f64 {
    1000.0 + m as f64 * 15.0
}

struct Arena {
    votes: Vec<AuditVote>,
    first: HashMap<String, i64>,
    rng: StdRng,
}

impl Arena {
    fn new(seed: u64) -> Self {
        Arena {
            votes: Vec::new(),
            first: HashMap::new(),
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// `voters` citizens arriving over `span` from `t0`, `per` votes each among the
    /// [`MODELS`], as the hidden strengths say; `favour`: a model they vote for whenever
    /// they see it.
    fn crowd(
        &mut self,
        prefix: &str,
        voters: usize,
        per: usize,
        t0: i64,
        span: i64,
        favour: Option<usize>,
    ) {
        for c in 0..voters {
            let voter = format!("{prefix}{c}");
            let mut t = t0 + self.rng.random_range(0..span);
            for _ in 0..per {
                let a = self.rng.random_range(0..MODELS);
                let mut b = self.rng.random_range(0..MODELS - 1);
                if b >= a {
                    b += 1;
                }
                let p = expected(strength(a), strength(b));
                let choice = if favour == Some(a) {
                    Choice::A
                } else if favour == Some(b) {
                    Choice::B
                } else if self.rng.random::<f64>() < 0.1 {
                    Choice::Tie
                } else if self.rng.random::<f64>() < p {
                    Choice::A
                } else {
                    Choice::B
                };
                self.first.entry(voter.clone()).or_insert(t);
                self.votes.push(AuditVote {
                    battle_id: format!("{prefix}-{}", self.votes.len()),
                    voter_id: voter.clone(),
                    address_hash: None,
                    model_a: format!("m{a:02}"),
                    model_b: format!("m{b:02}"),
                    choice,
                    voted_at_ms: t,
                    flags: Flags::EMPTY,
                    prompt_id: format!("p{}", self.rng.random_range(0..42)),
                });
                t += self.rng.random_range(20_000..120_000);
            }
        }
    }

    fn counted(&self) -> BattleCounts {
        let mut c = BattleCounts::default();
        for v in self.votes.iter().filter(|v| v.flags.is_empty()) {
            c.add(&v.model_a, &v.model_b, v.choice, 1);
        }
        c
    }

    fn find(&self, z: f64) -> Vec<Finding> {
        find(&self.votes, &self.first, &self.counted(), z, NOW)
    }
}

#[test]
fn a_team_voting_for_its_own_model_from_many_ids_is_held() {
    let mut arena = Arena::new(7);
    // Two days of honest citizens, then 150 ids (one vote ten times each) that vote for
    // m03 whenever they meet it and honestly otherwise.
    arena.crowd("h", 300, 10, NOW - 48 * HOUR_MS, 40 * HOUR_MS, None);
    let honest = arena.votes.len();
    arena.crowd("team", 150, 10, NOW - 2 * HOUR_MS, 60_000, Some(3));
    let found = arena.find(5.0);
    assert!(!found.is_empty());
    assert!(found.iter().all(|f| f.model == "m03"), "{found:?}");
    let held: HashSet<&str> = found
        .iter()
        .flat_map(|f| f.battle_ids.iter().map(String::as_str))
        .collect();
    let team_with_m03 = arena.votes[honest..]
        .iter()
        .filter(|v| v.model_a == "m03" || v.model_b == "m03")
        .count();
    let team_held = arena.votes[honest..]
        .iter()
        .filter(|v| held.contains(v.battle_id.as_str()))
        .count();
    let honest_held = arena.votes[..honest]
        .iter()
        .filter(|v| held.contains(v.battle_id.as_str()))
        .count();
    eprintln!("team votes with m03 held: {team_held} of {team_with_m03}; honest: {honest_held}");
    // The core is held; what is left of the group is within chance of the table.
    assert!(
        team_held * 100 >= team_with_m03 * 95,
        "{team_held} of the team's {team_with_m03} votes with m03 held"
    );
    assert!(
        honest_held * 100 <= honest,
        "{honest_held} honest votes held"
    );
}

/// The false-alarm rate on honest traffic: 200 honest arenas (12 models, 3,000 votes from
/// 300 citizens arriving over two days) are tested once at the end; none may be held.
#[test]
fn honest_arenas_are_never_held() {
    let mut alarms = 0;
    for seed in 0..200 {
        let mut arena = Arena::new(1000 + seed);
        arena.crowd("h", 300, 10, NOW - 48 * HOUR_MS, 46 * HOUR_MS, None);
        let found = arena.find(5.0);
        if !found.is_empty() {
            eprintln!(
                "seed {seed}: {:?}",
                found
                    .iter()
                    .map(|f| (
                        &f.model,
                        f.kind,
                        (f.to_ms - f.from_ms) / HOUR_MS,
                        f.z,
                        f.battles
                    ))
                    .collect::<Vec<_>>()
            );
            alarms += 1;
        }
    }
    assert_eq!(alarms, 0, "honest arenas held");
}

#[test]
fn votes_kept_for_their_sender_s_conduct_are_not_read() {
    let mut arena = Arena::new(9);
    arena.crowd("h", 300, 10, NOW - 48 * HOUR_MS, 40 * HOUR_MS, None);
    let honest = arena.votes.len();
    // Free votes (sent too fast) for m03: they cost nothing and prove nothing.
    arena.crowd("fast", 150, 10, NOW - 2 * HOUR_MS, 60_000, Some(3));
    for v in &mut arena.votes[honest..] {
        v.flags = Flag::TooFast.into();
    }
    assert_eq!(arena.find(5.0), vec![]);
}

#[test]
fn a_group_already_held_is_not_held_again() {
    let mut arena = Arena::new(11);
    arena.crowd("h", 300, 10, NOW - 48 * HOUR_MS, 40 * HOUR_MS, None);
    arena.crowd("team", 150, 10, NOW - 2 * HOUR_MS, 60_000, Some(3));
    let held: HashSet<String> = arena
        .find(5.0)
        .into_iter()
        .flat_map(|f| f.battle_ids)
        .collect();
    for v in &mut arena.votes {
        if held.contains(&v.battle_id) {
            v.flags = Flag::ModelCampaign.into();
        }
    }
    let again: usize = arena.find(5.0).iter().map(|f| f.battle_ids.len()).sum();
    assert_eq!(again, 0);
}
