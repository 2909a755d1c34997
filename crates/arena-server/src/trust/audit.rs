//! The abuse audit: a look back over recent votes for what no single request shows.
//!
//! - **One-sided voters.** For each voter and each model they met, a score test of "this voter
//!   sees the model as the ratings do" against "this voter has a bias for (or against) it":
//!   `z = Σ(s − p) / √Σ p(1 − p)`, with `s` the model's score in a battle (1 win, ½ tie or both
//!   bad, 0 loss) and `p` its expected score from the current ratings. Honest voters' `z` is about
//!   standard normal; a script that always lifts one model (or sinks the ones above it) drifts
//!   by √n. Beyond `one_sided_z` with at least `one_sided_min_battles` battles with that model,
//!   and a lean of at least 0.15 expected score a battle, the voter's recent votes are flagged.
//! - **Campaigns from one address.** The same test over the window's votes of the voters who
//!   shared an address, pooled (and pools joined through shared voters, since an address hashes
//!   differently each day while a voter id does not): a campaign spread over many ids (fresh, or made days ago and left to sleep) is
//!   one-sided as a group even when each id alone says little. The recent votes of the pool's
//!   voters who voted the campaign's way are flagged, an honest voter's from that address among
//!   them (excluded, not deleted: the price of sharing an address with a campaign). Pooling is per address on purpose: pooled over the whole site, a fake campaign
//!   *for* a rival would get every honest vote for that rival flagged, a lever to sink it. Many
//!   ids on many addresses (a botnet) are beyond this test; the per-voter test, the caps and the
//!   proof of work are what such an attacker pays.
//! - **Bursts of new voters from one address**: more new voters from one address within an hour
//!   than a school class brings, who also lean as a group; the votes of those who voted the
//!   lean's way are flagged. Arrivals alone never flag anyone: two classes arrive in bursts too.
//!
//! Flagged votes stay in the tests (so a flag does not bias the sample it was found in), and the
//! expected scores come from the counted votes only.

use std::collections::{BTreeMap, HashMap, HashSet};

use arena_core::rating::BattleCounts;

use super::score::{MIN_EFFECT, leans, readable, score_a, scores};
use super::{AuditSettings, model_campaign};
use crate::store::{AuditVote, DynStore, StoreError};
use arena_core::Flag;

const HOUR_MS: i64 = 3_600_000;

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

/// A voter is new (for bursts) within a day of their first vote.
const FRESH_MS: i64 = 24 * HOUR_MS;

/// The votes grouped by pools of voters linked through shared addresses (union-find over
/// voters; votes without an address hash stay with their voter alone).
fn pools<'a>(votes: &[&'a AuditVote]) -> Vec<Vec<&'a AuditVote>> {
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    for v in votes.iter().copied() {
        let n = index.len();
        index.entry(v.voter_id.as_str()).or_insert(n);
    }
    let mut parent: Vec<usize> = (0..index.len()).collect();
    let mut first_at: HashMap<&str, usize> = HashMap::new();
    for v in votes.iter().copied() {
        let voter = index[v.voter_id.as_str()];
        if let Some(address) = v.address_hash.as_deref() {
            let other = *first_at.entry(address).or_insert(voter);
            let (a, b) = (root(&mut parent, voter), root(&mut parent, other));
            if a != b {
                parent[a] = b;
            }
        }
    }
    let mut groups: HashMap<usize, Vec<&AuditVote>> = HashMap::new();
    for v in votes.iter().copied() {
        let r = root(&mut parent, index[v.voter_id.as_str()]);
        groups.entry(r).or_default().push(v);
    }
    groups.into_values().collect()
}

/// A voter in a leaning pool is part of its campaign when every one of their votes with the
/// model went the pool's way, or when their own lean is at least this far beyond chance.
const OWN_LEAN_Z: f64 = 2.0;
/// A burst of new voters is flagged only if the burst leans this far as a group.
const BURST_LEAN_Z: f64 = 3.0;
const BURST_MIN_BATTLES: u32 = 12;

/// The ids of all `votes` cast by voters whose own votes with `model` lean its way (positive
/// `sign`) or against it, by at least [`MIN_EFFECT`] a battle and beyond chance (every vote
/// that way, or [`OWN_LEAN_Z`]): once a lean is found, its
/// voters' other votes (ties that pull ratings together, votes against the models around the
/// target) are part of it too. A voter in a pool who merely voted once the pool's way, and
/// otherwise saw the model as the table does, is not part of it.
fn by_leaning_voters(
    votes: &[&AuditVote],
    model: &str,
    sign: f64,
    reason: Flag,
    ratings: &HashMap<String, f64>,
) -> Vec<String> {
    let sign = sign.signum();
    let mut by_voter: HashMap<&str, Vec<&AuditVote>> = HashMap::new();
    for v in votes.iter().filter(|v| went_way(v, model, sign)) {
        by_voter.entry(v.voter_id.as_str()).or_default();
    }
    for v in votes {
        if let Some(own) = by_voter.get_mut(v.voter_id.as_str()) {
            own.push(v);
        }
    }
    let voters: HashSet<&str> = by_voter
        .into_iter()
        .filter(|(_, own)| {
            let with_model = own
                .iter()
                .filter(|v| v.model_a == model || v.model_b == model)
                .count();
            let every_one = own.iter().filter(|v| went_way(v, model, sign)).count() == with_model;
            scores(own.iter().copied(), ratings)
                .get(model)
                .is_some_and(|s| {
                    s.u * sign >= MIN_EFFECT * f64::from(s.battles)
                        && (every_one || s.z() * sign >= OWN_LEAN_Z)
                })
        })
        .map(|(voter, _)| voter)
        .collect();
    votes
        .iter()
        .filter(|v| voters.contains(v.voter_id.as_str()) && !v.flags.contains(reason))
        .map(|v| v.battle_id.clone())
        .collect()
}

/// What the audit finds in `votes` (the window's votes), as battle ids by reason. `first_vote`
/// holds each voter's first vote time; `ratings` the current counted ratings.
pub fn find(
    votes: &[AuditVote],
    first_vote: &HashMap<String, i64>,
    ratings: &HashMap<String, f64>,
    settings: &AuditSettings,
    now_ms: i64,
) -> BTreeMap<Flag, Vec<String>> {
    let mut found: BTreeMap<Flag, Vec<String>> = BTreeMap::new();
    let every_vote = votes;
    let votes: Vec<&AuditVote> = votes.iter().filter(|v| readable(v.flags)).collect();
    let mut by_voter: HashMap<&str, Vec<&AuditVote>> = HashMap::new();
    for v in votes.iter().copied() {
        by_voter.entry(v.voter_id.as_str()).or_default().push(v);
    }

    // One voter: the votes with the model they lean on, the way they lean.
    for voter_votes in by_voter.values() {
        for (model, score) in scores(voter_votes.iter().copied(), ratings) {
            if leans(&score, settings.one_sided_z, settings.one_sided_min_battles) {
                let ids = by_leaning_voters(voter_votes, model, score.u, Flag::OneSided, ratings);
                found.entry(Flag::OneSided).or_default().extend(ids);
            }
        }
    }

    // Voters who shared an address are pooled, and pools are joined through the voters they
    // share, so a campaign of ids that sleep and wake over days stays one pool even though an
    // address hashes differently every day.
    for pooled in pools(&votes) {
        for (model, score) in scores(pooled.iter().copied(), ratings) {
            if leans(&score, settings.campaign_z, settings.one_sided_min_battles) {
                let ids = by_leaning_voters(&pooled, model, score.u, Flag::Campaign, ratings);
                found.entry(Flag::Campaign).or_default().extend(ids);
            }
        }
    }

    // New voters per (address, hour of their first vote): a burst that also leans as a group.
    // Arrivals alone are never enough: two school classes arrive in bursts too.
    let fresh_since = now_ms - FRESH_MS;
    let mut arrivals: HashMap<(&str, i64), HashSet<&str>> = HashMap::new();
    for v in every_vote {
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
        let group: Vec<&AuditVote> = votes
            .iter()
            .copied()
            .filter(|v| {
                voters.contains(v.voter_id.as_str()) && v.address_hash.as_deref() == Some(address)
            })
            .collect();
        for (model, score) in scores(group.iter().copied(), ratings) {
            if leans(&score, BURST_LEAN_Z, BURST_MIN_BATTLES) {
                let ids = by_leaning_voters(&group, model, score.u, Flag::NewVoterBurst, ratings);
                found.entry(Flag::NewVoterBurst).or_default().extend(ids);
            }
        }
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
    counted: &BattleCounts,
    settings: &AuditSettings,
    now_ms: i64,
) -> Result<BTreeMap<Flag, u64>, StoreError> {
    let votes = store.votes_since(now_ms - settings.window_ms).await?;
    if votes.is_empty() {
        return Ok(BTreeMap::new());
    }
    let first_vote: HashMap<String, i64> = store
        .first_votes_of_voters_since(now_ms - settings.window_ms)
        .await?
        .into_iter()
        .collect();
    let mut found = find(&votes, &first_vote, ratings, settings, now_ms);
    let started = std::time::Instant::now();
    for finding in model_campaign::find(
        &votes,
        &first_vote,
        counted,
        settings.model_campaign_z,
        now_ms,
    ) {
        if finding.battle_ids.is_empty() {
            continue;
        }
        tracing::warn!(
            model = %finding.model,
            group = finding.kind,
            from_ms = finding.from_ms,
            to_ms = finding.to_ms,
            z = finding.z,
            battles = finding.battles,
            "a model wins far beyond the table among voters who came together: votes held"
        );
        found
            .entry(Flag::ModelCampaign)
            .or_default()
            .extend(finding.battle_ids);
    }
    metrics::histogram!("arena_model_campaign_seconds").record(started.elapsed().as_secs_f64());
    let mut flagged = BTreeMap::new();
    for (reason, mut ids) in found {
        ids.sort();
        ids.dedup();
        let n = store.flag_votes(&ids, reason).await?;
        if n > 0 {
            tracing::warn!(reason = reason.code(), votes = n, "audit flagged votes");
            flagged.insert(reason, n);
        }
    }
    Ok(flagged)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::trust::score::expected;
    use arena_core::Choice;
    use arena_core::Flags;

    fn vote(id: usize, voter: &str, a: &str, b: &str, choice: Choice, t: i64) -> AuditVote {
        AuditVote {
            battle_id: format!("b{id}"),
            voter_id: voter.into(),
            address_hash: Some(format!("addr-{voter}")),
            model_a: a.into(),
            model_b: b.into(),
            choice,
            voted_at_ms: t,
            flags: Flags::EMPTY,
            prompt_id: format!("p{}", id % 40),
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
                // Each voter continues the sequence where the previous one left off.
                let k = first_id / 10 + i / 3;
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

    fn ids(found: &BTreeMap<Flag, Vec<String>>, reason: Flag) -> Vec<usize> {
        found.get(&reason).map_or(vec![], |ids| {
            ids.iter()
                .map(|id| id.trim_start_matches('b').parse().unwrap())
                .collect::<std::collections::BTreeSet<usize>>()
                .into_iter()
                .collect()
        })
    }

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
        assert_eq!(
            ids(&found, Flag::OneSided),
            (1000..1030).collect::<Vec<_>>()
        );
        assert!(
            found.values().flatten().all(|id| id.as_str() >= "b1000"),
            "alice is untouched"
        );
    }

    #[test]
    fn a_campaign_from_one_address_is_found_however_many_ids_it_uses() {
        let mut votes = Vec::new();
        let mut first = HashMap::new();
        let t = NOW - HOUR_MS * 2;
        // 60 ids on one network, 3 votes each, all for "low": no single one says much. Half
        // are fresh, half were made weeks ago and left to sleep.
        for v in 0..60 {
            let voter = format!("id{v}");
            let made = if v % 2 == 0 {
                t
            } else {
                NOW - 20 * 24 * HOUR_MS
            };
            first.insert(voter.clone(), made);
            for i in 0..3 {
                let mut x = vote(v as usize * 3 + i, &voter, "low", "top", Choice::A, t + v);
                x.address_hash = Some("one-network".into());
                votes.push(x);
            }
        }
        // The same taste from 60 citizens on 60 networks is 60 opinions, not a campaign.
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
        let found = find(&votes, &first, &ratings(), &AuditSettings::default(), NOW);
        assert_eq!(ids(&found, Flag::Campaign), (0..180).collect::<Vec<_>>());
        assert!(
            !found.contains_key(&Flag::OneSided),
            "each id alone is too small to test"
        );
    }

    #[test]
    fn a_crowd_with_a_small_real_taste_is_not_a_campaign() {
        // 3,000 votes from one carrier address, "low" winning 52% against an expected 36%? No:
        // a real crowd is near the ratings; here it beats them by 8 points a battle, which is
        // far beyond chance at this size (z > 5) and still no campaign.
        let p = expected(900.0, 1100.0);
        let wins = ((p + 0.08) * 3000.0) as usize;
        let votes: Vec<AuditVote> = (0..3000)
            .map(|i| {
                let c = if i < wins { Choice::A } else { Choice::B };
                let mut x = vote(i, &format!("phone{i}"), "low", "top", c, NOW - HOUR_MS);
                x.address_hash = Some("carrier-nat".into());
                x
            })
            .collect();
        let first = (0..3000)
            .map(|i| (format!("phone{i}"), NOW - 50 * 24 * HOUR_MS))
            .collect();
        let found = find(&votes, &first, &ratings(), &AuditSettings::default(), NOW);
        assert!(found.is_empty(), "{:?}", found.keys());
    }

    #[test]
    fn a_leaning_burst_of_new_voters_is_found_and_an_honest_burst_is_not() {
        let settings = AuditSettings::default();
        let mut votes = Vec::new();
        let mut first = HashMap::new();
        let mut add = |prefix: &str, address: &str, n: usize, id0: usize, leaning: bool| {
            for v in 0..n {
                let voter = format!("{prefix}{v}");
                let t = NOW - HOUR_MS * 3 + v as i64 * 1000;
                first.insert(voter.clone(), t);
                let mut x = honest(&voter, 3, t, id0 + v * 10);
                for (i, x) in x.iter_mut().enumerate() {
                    x.address_hash = Some(address.into());
                    x.voted_at_ms = t + i as i64;
                    if leaning {
                        (x.model_a, x.model_b, x.choice) = ("low".into(), "mid".into(), Choice::A);
                    }
                }
                votes.extend(x);
            }
        };
        add("pupil", "school", 30, 0, false);
        add("crowd", "big-office", 100, 10_000, false);
        add("bot", "farm", 100, 20_000, true);
        // Campaign pooling would find the farm on its own; switch it off to see the burst rule.
        let settings = AuditSettings {
            campaign_z: f64::INFINITY,
            ..settings
        };
        let found = find(&votes, &first, &ratings(), &settings, NOW);
        let burst = ids(&found, Flag::NewVoterBurst);
        assert_eq!(burst.len(), 300);
        assert!(burst.iter().all(|id| *id >= 20_000));
    }

    /// A school's honest pupils and, on the same address, a neighbour who wants them excluded.
    fn school_with_a_neighbour(neighbour_flags: Flags) -> (Vec<AuditVote>, HashMap<String, i64>) {
        let mut votes = Vec::new();
        let mut first = HashMap::new();
        for p in 0..20 {
            let voter = format!("pupil{p}");
            first.insert(voter.clone(), NOW - 40 * 24 * HOUR_MS);
            for mut v in honest(&voter, 9, NOW - HOUR_MS * 6, p * 10) {
                v.address_hash = Some("school".into());
                votes.push(v);
            }
        }
        // 200 votes for "low" against "top" from one id on the school's network.
        first.insert("neighbour".into(), NOW - 40 * 24 * HOUR_MS);
        for i in 0..200 {
            let mut v = vote(
                5000 + i,
                "neighbour",
                "low",
                "top",
                Choice::A,
                NOW - HOUR_MS,
            );
            v.address_hash = Some("school".into());
            v.flags = neighbour_flags;
            votes.push(v);
        }
        (votes, first)
    }

    #[test]
    fn votes_that_do_not_count_cannot_make_a_school_look_like_a_campaign() {
        // Sent faster than anyone reads: kept, not counted, and free to send.
        let (votes, first) = school_with_a_neighbour(Flag::TooFast.into());
        let found = find(&votes, &first, &ratings(), &AuditSettings::default(), NOW);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_campaign_on_a_shared_address_takes_only_the_voters_who_lean() {
        // Counted this time: the neighbour is a campaign; the pupils, who see "top" as the
        // table does, are not part of it even though some of them once preferred "low".
        let (votes, first) = school_with_a_neighbour(Flags::EMPTY);
        let found = find(&votes, &first, &ratings(), &AuditSettings::default(), NOW);
        let flagged: Vec<usize> = found
            .values()
            .flatten()
            .map(|id| id[1..].parse().unwrap())
            .collect();
        assert!(!flagged.is_empty());
        assert!(
            flagged.iter().all(|id| *id >= 5000),
            "pupils flagged: {:?}",
            flagged.iter().filter(|id| **id < 5000).collect::<Vec<_>>()
        );
    }

    #[test]
    fn flags_already_given_are_not_given_again() {
        let mut votes: Vec<AuditVote> = (0..30)
            .map(|i| vote(i, "m", "low", "top", Choice::A, NOW - 1000 + i as i64))
            .collect();
        for v in &mut votes {
            v.flags = Flags::from(Flag::OneSided).with(Flag::Campaign);
        }
        let first = [("m".to_owned(), NOW - 100 * 24 * HOUR_MS)]
            .into_iter()
            .collect();
        let found = find(&votes, &first, &ratings(), &AuditSettings::default(), NOW);
        assert!(found.is_empty(), "{found:?}");
    }
}
