//! The abuse audit: a look back over recent votes for what no single request shows.
//!
//! - **One-sided voters.** For each voter and each model they met, a score test of "this voter
//!   sees the model as the ratings do" against "this voter has a bias for (or against) it":
//!   `z = Σ(s − p) / √Σ p(1 − p)`, with `s` the model's score in a battle (1 win, ½ tie or both
//!   bad, 0 loss) and `p` its expected score from the current ratings. Honest voters' `z` is about
//!   standard normal; a script that always lifts one model (or sinks the ones above it) drifts
//!   by √n. Beyond `one_sided_z` with at least `one_sided_min_battles` battles with that model,
//!   every recent vote of the voter is flagged.
//! - **Campaigns of fresh voters.** The same test over the votes of the fresh voters (first seen
//!   within the window) of one address, pooled: a campaign spread over many new ids from one
//!   network is one-sided as a group even when each id alone says little. The group's votes that
//!   went the campaign's way are flagged. Pooling is per address on purpose: pooled over the whole
//!   site, a fake campaign *for* a rival would get every honest fresh vote for that rival
//!   flagged, a lever to sink it. Many ids from many addresses (a botnet) are beyond this test;
//!   the per-voter test, the caps and the proof of work are what such an attacker pays.
//! - **Bursts of new voters from one address**: more new voters from one address within an hour
//!   than a school class brings; their votes are flagged.
//!
//! Flagged votes stay in the tests (so a flag does not bias the sample it was found in), and the
//! expected scores come from the counted votes only.

use std::collections::{BTreeMap, HashMap, HashSet};

use arena_core::Choice;

use super::{AuditSettings, flag};
use crate::store::{AuditVote, DynStore, StoreError};

const HOUR_MS: i64 = 3_600_000;

/// The expected score of `a` against `b` on the public arena's scale.
fn expected(ra: f64, rb: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf((rb - ra) / 400.0))
}

fn score_a(choice: Choice) -> f64 {
    match choice {
        Choice::A => 1.0,
        Choice::B => 0.0,
        Choice::Tie | Choice::BothBad => 0.5,
    }
}

/// Score-test sums for one model.
#[derive(Default, Clone, Copy, Debug)]
struct Score {
    u: f64,
    info: f64,
    battles: u32,
}

impl Score {
    fn z(&self) -> f64 {
        if self.info <= 0.0 {
            0.0
        } else {
            self.u / self.info.sqrt()
        }
    }
}

fn scores<'a>(
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

/// Did this vote go `model`'s way (`sign` > 0) or against it (`sign` < 0)?
fn went_way(v: &AuditVote, model: &str, sign: f64) -> bool {
    let s = score_a(v.choice);
    let model_score = if v.model_a == model {
        s
    } else if v.model_b == model {
        1.0 - s
    } else {
        return false;
    };
    if sign > 0.0 {
        model_score > 0.5
    } else {
        model_score < 0.5
    }
}

fn has_flag(flags: &str, reason: &str) -> bool {
    flags.split(',').any(|f| f == reason)
}

/// What the audit finds in `votes` (the window's votes), as battle ids by reason. `first_vote`
/// holds each voter's first vote time; `ratings` the current counted ratings.
pub fn find(
    votes: &[AuditVote],
    first_vote: &HashMap<String, i64>,
    ratings: &HashMap<String, f64>,
    settings: &AuditSettings,
    now_ms: i64,
) -> BTreeMap<&'static str, Vec<String>> {
    let mut found: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut by_voter: HashMap<&str, Vec<&AuditVote>> = HashMap::new();
    for v in votes {
        by_voter.entry(v.voter_id.as_str()).or_default().push(v);
    }

    for voter_votes in by_voter.values() {
        let one_sided = scores(voter_votes.iter().copied(), ratings)
            .values()
            .any(|s| {
                s.battles >= settings.one_sided_min_battles && s.z().abs() >= settings.one_sided_z
            });
        if one_sided {
            found.entry(flag::ONE_SIDED).or_default().extend(
                voter_votes
                    .iter()
                    .filter(|v| !has_flag(&v.flags, flag::ONE_SIDED))
                    .map(|v| v.battle_id.clone()),
            );
        }
    }

    let fresh_since = now_ms - settings.window_ms;
    let is_fresh = |voter: &str| first_vote.get(voter).is_some_and(|t| *t >= fresh_since);
    let mut pools: HashMap<&str, Vec<&AuditVote>> = HashMap::new();
    for v in votes.iter().filter(|v| is_fresh(&v.voter_id)) {
        if let Some(address) = v.address_hash.as_deref() {
            pools.entry(address).or_default().push(v);
        }
    }
    for pooled in pools.values() {
        for (model, score) in scores(pooled.iter().copied(), ratings) {
            let z = score.z();
            if z.abs() < settings.campaign_z {
                continue;
            }
            found.entry(flag::CAMPAIGN).or_default().extend(
                pooled
                    .iter()
                    .filter(|v| went_way(v, model, z) && !has_flag(&v.flags, flag::CAMPAIGN))
                    .map(|v| v.battle_id.clone()),
            );
        }
    }

    // New voters per (address, hour of their first vote).
    let mut arrivals: HashMap<(&str, i64), HashSet<&str>> = HashMap::new();
    for v in votes {
        let (Some(address), Some(first)) = (v.address_hash.as_deref(), first_vote.get(&v.voter_id))
        else {
            continue;
        };
        if *first >= fresh_since && *first == v.voted_at_ms {
            arrivals
                .entry((address, first.div_euclid(HOUR_MS)))
                .or_default()
                .insert(v.voter_id.as_str());
        }
    }
    for ((address, _), voters) in arrivals {
        if voters.len() as u32 <= settings.new_voter_burst {
            continue;
        }
        found.entry(flag::NEW_VOTER_BURST).or_default().extend(
            votes
                .iter()
                .filter(|v| {
                    voters.contains(v.voter_id.as_str())
                        && v.address_hash.as_deref() == Some(address)
                        && !has_flag(&v.flags, flag::NEW_VOTER_BURST)
                })
                .map(|v| v.battle_id.clone()),
        );
    }
    for ids in found.values_mut() {
        ids.sort();
        ids.dedup();
    }
    found.retain(|_, ids| !ids.is_empty());
    found
}

/// Runs the audit over the window's votes and stores its flags; returns how many votes it
/// flagged anew, by reason.
pub async fn run(
    store: &DynStore,
    ratings: &HashMap<String, f64>,
    settings: &AuditSettings,
    now_ms: i64,
) -> Result<BTreeMap<&'static str, u64>, StoreError> {
    let votes = store.votes_since(now_ms - settings.window_ms).await?;
    if votes.is_empty() {
        return Ok(BTreeMap::new());
    }
    let voters: Vec<String> = votes
        .iter()
        .map(|v| v.voter_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let first_vote: HashMap<String, i64> = store.first_votes(&voters).await?.into_iter().collect();
    let mut flagged = BTreeMap::new();
    for (reason, ids) in find(&votes, &first_vote, ratings, settings, now_ms) {
        let n = store.flag_votes(&ids, reason).await?;
        if n > 0 {
            tracing::warn!(reason, votes = n, "audit flagged votes");
            flagged.insert(reason, n);
        }
    }
    Ok(flagged)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn vote(id: usize, voter: &str, a: &str, b: &str, choice: Choice, t: i64) -> AuditVote {
        AuditVote {
            battle_id: format!("b{id}"),
            voter_id: voter.into(),
            address_hash: Some(format!("addr-{voter}")),
            model_a: a.into(),
            model_b: b.into(),
            choice,
            voted_at_ms: t,
            flags: String::new(),
        }
    }

    fn ratings() -> HashMap<String, f64> {
        [("top", 1100.0), ("mid", 1000.0), ("low", 900.0)]
            .into_iter()
            .map(|(m, r)| (m.to_owned(), r))
            .collect()
    }

    /// A voter who votes as the ratings predict, deterministically (no luck in tests).
    fn honest(voter: &str, n: usize, t0: i64, first_id: usize) -> Vec<AuditVote> {
        let pairs = [("top", "mid"), ("mid", "low"), ("top", "low")];
        (0..n)
            .map(|i| {
                let (a, b) = pairs[i % 3];
                let p = expected(ratings()[a], ratings()[b]);
                // Wins in proportion to p over each block of battles with the pair.
                let k = i / 3;
                let choice = if ((k + 1) as f64 * p).floor() > (k as f64 * p).floor() {
                    Choice::A
                } else {
                    Choice::B
                };
                vote(first_id + i, voter, a, b, choice, t0 + i as i64 * 60_000)
            })
            .collect()
    }

    const NOW: i64 = 10 * 24 * HOUR_MS;

    #[test]
    fn an_honest_voter_is_not_flagged_and_a_booster_is() {
        let mut votes = honest("alice", 60, NOW - HOUR_MS * 5, 0);
        // "mallory" always picks "low", whoever it meets.
        for i in 0..30 {
            let (a, b, c) = if i % 2 == 0 {
                ("low", "top", Choice::A)
            } else {
                ("mid", "low", Choice::B)
            };
            votes.push(vote(1000 + i, "mallory", a, b, c, NOW - HOUR_MS + i as i64));
        }
        let first = [
            ("alice", NOW - 30 * 24 * HOUR_MS),
            ("mallory", NOW - 40 * 24 * HOUR_MS),
        ]
        .into_iter()
        .map(|(v, t)| (v.to_owned(), t))
        .collect();
        let found = find(&votes, &first, &ratings(), &AuditSettings::default(), NOW);
        let one_sided = &found[flag::ONE_SIDED];
        assert_eq!(one_sided.len(), 30);
        assert!(
            votes
                .iter()
                .filter(|v| v.voter_id == "alice")
                .all(|v| !one_sided.contains(&v.battle_id))
        );
        assert!(!found.contains_key(flag::CAMPAIGN), "no fresh voters");
    }

    #[test]
    fn a_campaign_of_fresh_voters_from_one_address_is_found_and_others_are_not_touched() {
        let mut votes = Vec::new();
        let mut first = HashMap::new();
        let t = NOW - HOUR_MS * 2;
        // 60 fresh ids from one network, 3 votes each, all for "low": no single one says much.
        for v in 0..60 {
            let voter = format!("fresh{v}");
            first.insert(voter.clone(), t + v);
            for i in 0..3 {
                let mut x = vote(v as usize * 3 + i, &voter, "low", "top", Choice::A, t + v);
                x.address_hash = Some("one-network".into());
                votes.push(x);
            }
        }
        // The same taste from 60 fresh citizens on 60 networks is 60 opinions, not a campaign.
        for v in 0..60 {
            let voter = format!("citizen{v}");
            first.insert(voter.clone(), t + v);
            votes.push(vote(
                5000 + v as usize,
                &voter,
                "low",
                "top",
                Choice::A,
                t + v,
            ));
        }
        // An old voter with the same taste on the campaign's network is not part of the pool.
        first.insert("veteran".into(), NOW - 90 * 24 * HOUR_MS);
        let mut x = vote(9999, "veteran", "low", "top", Choice::A, NOW - HOUR_MS);
        x.address_hash = Some("one-network".into());
        votes.push(x);
        let found = find(&votes, &first, &ratings(), &AuditSettings::default(), NOW);
        let campaign = &found[flag::CAMPAIGN];
        assert_eq!(campaign.len(), 180);
        assert!(
            campaign
                .iter()
                .all(|id| id.trim_start_matches('b').parse::<usize>().unwrap() < 180)
        );
        assert!(
            !found.contains_key(flag::ONE_SIDED),
            "each id alone is too small to test"
        );
    }

    #[test]
    fn a_burst_of_new_voters_from_one_address_is_found_and_a_class_is_not() {
        let settings = AuditSettings::default();
        let mut votes = Vec::new();
        let mut first = HashMap::new();
        let mut add = |prefix: &str, address: &str, n: usize, id0: usize| {
            for v in 0..n {
                let voter = format!("{prefix}{v}");
                let t = NOW - HOUR_MS * 3 + v as i64 * 1000;
                first.insert(voter.clone(), t);
                let mut x = honest(&voter, 3, t, id0 + v * 10);
                for x in &mut x {
                    x.address_hash = Some(address.into());
                }
                x[0].voted_at_ms = t;
                votes.extend(x);
            }
        };
        add("pupil", "school", 30, 0);
        add("bot", "farm", 100, 10_000);
        let found = find(&votes, &first, &ratings(), &settings, NOW);
        let burst = &found[flag::NEW_VOTER_BURST];
        assert_eq!(burst.len(), 300);
        assert!(
            burst
                .iter()
                .all(|id| id.trim_start_matches('b').parse::<usize>().unwrap() >= 10_000)
        );
    }

    #[test]
    fn flags_already_given_are_not_given_again() {
        let mut votes: Vec<AuditVote> = (0..30)
            .map(|i| vote(i, "m", "low", "top", Choice::A, NOW - 1000 + i as i64))
            .collect();
        for v in &mut votes {
            v.flags = flag::ONE_SIDED.into();
        }
        let first = [("m".to_owned(), NOW - 100 * 24 * HOUR_MS)]
            .into_iter()
            .collect();
        let found = find(&votes, &first, &ratings(), &AuditSettings::default(), NOW);
        assert!(found.is_empty(), "{found:?}");
    }
}
