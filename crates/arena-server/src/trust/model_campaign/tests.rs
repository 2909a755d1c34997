#![allow(clippy::unwrap_used)]
use super::*;
use arena_core::Flags;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const NOW: i64 = 100 * 24 * HOUR_MS;

struct Arena {
    votes: Vec<AuditVote>,
    first: HashMap<String, i64>,
    rng: StdRng,
    models: usize,
    spacing: f64,
}

impl Arena {
    /// 12 models 15 points apart.
    fn new(seed: u64) -> Self {
        Arena::of(seed, 12, 15.0)
    }

    fn of(seed: u64, models: usize, spacing: f64) -> Self {
        Arena {
            votes: Vec::new(),
            first: HashMap::new(),
            rng: StdRng::seed_from_u64(seed),
            models,
            spacing,
        }
    }

    fn strength(&self, m: usize) -> f64 {
        1000.0 + m as f64 * self.spacing
    }

    /// `voters` citizens arriving over `span` from `t0`, `per` votes each among the
    /// arena's models, as the hidden strengths say; `favour`: a model they vote for whenever
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
                let a = self.rng.random_range(0..self.models);
                let mut b = self.rng.random_range(0..self.models - 1);
                if b >= a {
                    b += 1;
                }
                let p = expected(self.strength(a), self.strength(b));
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

impl Arena {
    /// A botnet: `voters` ids arriving over `span` from `t0`, `per` votes each, honest except
    /// that it votes for `target` whenever it recognises its answer, which it learns from the
    /// reveals of its own earlier votes (both models of every vote). Returns the votes it
    /// forced: battle id and the honest choice it replaced.
    fn learning_crowd(
        &mut self,
        prefix: &str,
        voters: usize,
        per: usize,
        t0: i64,
        span: i64,
        target: usize,
    ) -> Vec<(String, Choice)> {
        let mut slots: Vec<(i64, usize)> = Vec::new();
        for c in 0..voters {
            let mut t = t0 + self.rng.random_range(0..span);
            for _ in 0..per {
                slots.push((t, c));
                t += self.rng.random_range(20_000..60_000);
            }
        }
        slots.sort();
        let mut revealed: HashSet<(usize, usize)> = HashSet::new();
        let mut forced = Vec::new();
        for (t, c) in slots {
            let voter = format!("{prefix}{c}");
            let a = self.rng.random_range(0..self.models);
            let mut b = self.rng.random_range(0..self.models - 1);
            if b >= a {
                b += 1;
            }
            let prompt = self.rng.random_range(0..42);
            let p = expected(self.strength(a), self.strength(b));
            let honest = if self.rng.random::<f64>() < 0.1 {
                Choice::Tie
            } else if self.rng.random::<f64>() < p {
                Choice::A
            } else {
                Choice::B
            };
            let choice = if a == target && revealed.contains(&(prompt, a)) {
                Choice::A
            } else if b == target && revealed.contains(&(prompt, b)) {
                Choice::B
            } else {
                honest
            };
            let id = format!("{prefix}-{}", self.votes.len());
            if choice != honest {
                forced.push((id.clone(), honest));
            }
            revealed.insert((prompt, a));
            revealed.insert((prompt, b));
            self.first.entry(voter.clone()).or_insert(t);
            self.votes.push(AuditVote {
                battle_id: id,
                voter_id: voter,
                address_hash: None,
                model_a: format!("m{a:02}"),
                model_b: format!("m{b:02}"),
                choice,
                voted_at_ms: t,
                flags: Flags::EMPTY,
                prompt_id: format!("p{prompt}"),
            });
        }
        forced
    }
}

/// The target's place among the counted votes of `arena` (those not in `held`), less its place
/// had its forced votes been the honest choices: the places the botnet bought (as
/// `tests/api/contenders.rs` measures them).
fn places_bought(
    arena: &Arena,
    held: &HashSet<String>,
    forced: &[(String, Choice)],
    target: &str,
) -> i64 {
    let honest: HashMap<&str, Choice> = forced.iter().map(|(id, c)| (id.as_str(), *c)).collect();
    let (mut counted, mut counterfactual) = (BattleCounts::default(), BattleCounts::default());
    for v in arena.votes.iter().filter(|v| !held.contains(&v.battle_id)) {
        counted.add(&v.model_a, &v.model_b, v.choice, 1);
        let choice = honest
            .get(v.battle_id.as_str())
            .copied()
            .unwrap_or(v.choice);
        counterfactual.add(&v.model_a, &v.model_b, choice, 1);
    }
    let place = |counts: &BattleCounts| {
        let fitted = fit_strengths(counts);
        let mine = fitted.theta[fitted.models.iter().position(|m| m == target).unwrap()];
        1 + fitted.theta.iter().filter(|t| **t > mine).count() as i64
    };
    place(&counterfactual) - place(&counted)
}

/// The careful botnet of `tests/api/contenders.rs`, seeded: 65 models 10 points apart, 1,500
/// honest votes over three hours, then 150 ids, 10 votes each within minutes, honest but for
/// its target (40th), which it lifts whenever it recognises the target's answer from the
/// reveals of its own earlier votes. Measured over 40 seeds with the margin of 2 for recognised
/// battles ([`RECOGNISED_MARGIN`]): found (and at most 2 places bought) in 37; with 1 it was 26,
/// and where it escaped it had forced 6 to 13 recognised wins and bought 4 to 13 places. No
/// honest vote is ever held.
#[test]
fn a_botnet_learning_its_target_from_reveals_is_found_as_often_as_measured() {
    let seeds = 40;
    let (mut found, mut within, mut honest_held) = (0, 0, 0);
    for seed in 0..seeds {
        let mut arena = Arena::of(5000 + seed, 65, 10.0);
        arena.crowd("h", 150, 10, NOW - 4 * HOUR_MS, 3 * HOUR_MS, None);
        let honest = arena.votes.len();
        let forced = arena.learning_crowd("b", 150, 10, NOW - 20 * 60_000, 30_000, 25);
        let held: HashSet<String> = arena
            .find(5.0)
            .into_iter()
            .flat_map(|f| f.battle_ids)
            .collect();
        let kept = forced.iter().filter(|(id, _)| !held.contains(id)).count();
        honest_held += arena.votes[..honest]
            .iter()
            .filter(|v| held.contains(&v.battle_id))
            .count();
        let bought = places_bought(&arena, &held, &forced, "m25");
        found += usize::from(kept * 2 < forced.len());
        within += usize::from(bought <= 2);
        eprintln!(
            "seed {seed}: forced {}, kept {kept}, held {}, places bought {bought}",
            forced.len(),
            held.len()
        );
    }
    eprintln!("found in {found} of {seeds}; at most 2 places bought in {within}");
    assert_eq!(honest_held, 0, "honest votes held");
    assert!(found >= 35, "found in {found} of {seeds}, 37 measured");
    assert!(
        within >= 35,
        "at most 2 places bought in {within} of {seeds}, 37 measured"
    );
}

/// The false-alarm rate in the botnet's arena: 100 honest arenas of 65 models 10 points apart,
/// 1,500 votes over three hours and 1,500 more within minutes; none may be held.
#[test]
fn honest_arenas_of_many_close_models_are_never_held() {
    let mut alarms = 0;
    for seed in 0..100 {
        let mut arena = Arena::of(7000 + seed, 65, 10.0);
        arena.crowd("h", 150, 10, NOW - 4 * HOUR_MS, 3 * HOUR_MS, None);
        arena.crowd("g", 150, 10, NOW - 20 * 60_000, 30_000, None);
        alarms += usize::from(!arena.find(5.0).is_empty());
    }
    assert_eq!(alarms, 0, "honest arenas held");
}
