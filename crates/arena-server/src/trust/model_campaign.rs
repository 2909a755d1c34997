//! Campaigns seen at the level of a model: in a blind arena, who votes should not change how
//! often a model wins.
//!
//! The per-voter and per-address tests of `audit.rs` see one script. They cannot see a
//! contender that spreads its votes over a few hundred rented addresses, one id each, a few
//! votes per id, voting honestly except for its own model (which it recognises: it wrote the
//! answers). Each id alone says nothing. What it cannot hide is the model: among the voters
//! who turned up with it, the model wins far more often than the rest of the table predicts.
//!
//! **The test.** The window's votes are cut into groups, two ways and at three scales (1, 6 and
//! 24 hours, aligned to the clock): *arrivals* (the votes of the voters whose first vote fell in
//! the same period: the ids a campaign brings arrive together) and *activity* (the votes cast in
//! the same period: ids made long ago and woken together). For each group and each model, a
//! score test of the group's battles with the model against the ratings fitted to every counted
//! vote *outside* the group: `z = Σ(s − p) / √Σ p(1 − p)`. Honest groups are samples of the same
//! citizens as the rest, so `z` is about standard normal; a campaign drifts by √n.
//!
//! **What is held.** A group whose model is beyond `z` (default 5), with at least
//! [`MIN_BATTLES`] battles and a lean of at least [`MIN_EFFECT`](super::score::MIN_EFFECT)
//! expected score a battle, has its *core* held (flag `model_campaign`, kept, not counted, listed
//! for the operators' review): the votes with that model of the voters who pushed it the group's
//! way, hardest first, until what is left of the group is within chance of the reference (z of
//! 2), then, while the rest still leans that way at all, every voter all of whose battles with
//! the model went that way. A campaign's ids push hardest (every battle with their model goes its way), so they go
//! first, and the honest voters who voted with the model in the same hours stay counted. Holding
//! the whole group would hold them too: in a young arena, or a round, the campaign's day is
//! every honest vote with the model, and the model's rating would then be made by the few votes
//! left. What the campaign can keep is bounded by chance (z of 2 over the group), and a fake
//! campaign *for* a rival gets its own votes held, not the rival's honest ones.

//! **What is read.** Votes that count, or that the audit holds (so a hold does not hide the
//! evidence it was found in: a campaign's held votes keep its hours divergent, so its counted
//! rest is found and peeled too); never votes kept for the sender's own conduct (too fast,
//! another voter's battle, beyond a cap): those cost nothing to send, and a neighbour could
//! otherwise make an honest group look divergent for free.
//!
//! **Cost.** Every recent group with a model in at least [`MIN_RECOGNISED`] battles is refitted
//! (once per finding peeled); a fit is of aggregated pairs (models², not votes). There is no
//! cheaper shortcut against the served ratings: they hold the group's own votes, and in a table
//! of many models a campaign's votes *are* most of its model's served rating (measured: a
//! botnet over 65 models went unseen in two runs of five with such a shortcut).

use std::collections::{BTreeMap, HashMap, HashSet};

use arena_core::rating::{BattleCounts, CENTRE, POINTS_PER_NATURAL_UNIT, fit_strengths};
use arena_core::{Choice, Flag};

use super::score::{Score, expected, leans, readable, score_a, scores};
use crate::store::AuditVote;

const HOUR_MS: i64 = 3_600_000;

/// Fewest battles with a model in a group before the group is tested on it.
pub const MIN_BATTLES: u32 = 20;
/// Fewest recognisable battles (see [`recognisable`]) with a model before they are tested alone.
pub const MIN_RECOGNISED: u32 = 12;
/// Groups are tested while they are recent (they ended less than this ago): a campaign is
/// found while it runs and for a day after, and each pass refits only a few dozen groups.
const RECENT_MS: i64 = 48 * HOUR_MS;
/// The periods groups are cut by.
const SCALES_MS: [i64; 3] = [HOUR_MS, 6 * HOUR_MS, 24 * HOUR_MS];

/// What the test found: a group in which a model wins far beyond the rest of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub model: String,
    /// `arrivals` or `activity`.
    pub kind: &'static str,
    pub from_ms: i64,
    pub to_ms: i64,
    pub z: f64,
    pub battles: u32,
    /// The votes to hold: the core's votes with the model (the voters who pushed it hardest,
    /// see the module's "What is held"), less those already held.
    pub battle_ids: Vec<String>,
}

/// What a group is tested against: the ratings fitted without it, and how much each model's
/// rating there rests on (the Fisher information of its battles, `Σ p(1 − p)`).
#[derive(Clone)]
struct Reference {
    ratings: HashMap<String, f64>,
    information: HashMap<String, f64>,
}

impl Reference {
    /// A group's score against this reference, its variance widened by the reference's own
    /// uncertainty about the model: `u = Σ(s − p(θ̂))` varies with `θ̂` too, by `I_g² / I_ref`
    /// (the delta method; the opponents' uncertainty, which [`Reference::predictive_tail`] adds to
    /// the decision, is left out of this gate and of the peeling). Without it a
    /// group holding half the window (a day of two) is tested as if the other half were
    /// known exactly, and honest arenas are held (measured: 1 of 200 at z 5).
    fn widened(&self, model: &str, score: Score) -> Score {
        let reference = self.information.get(model).copied().unwrap_or(0.0);
        let info = if reference > 0.0 {
            score.info + score.info * score.info / reference
        } else {
            // Nothing outside the group to compare with: no evidence either way.
            f64::INFINITY
        };
        Score { info, ..score }
    }

    /// The exact tail of the group's result (see [`exact_tail`]) averaged over where the
    /// model's rating could be relative to its opponents', given how much the reference rests
    /// on: its rating shifted by `δ ~ N(0, 1/I_ref + opponents')` (natural units; the opponents'
    /// share below), on a grid of half standard errors out to ±8. Without the opponents' share,
    /// an honest continuation of 1,500 votes over 65 models (each known from about 46 votes) had
    /// 10 votes held in one fresh-clone run of `tests/api/contenders.rs`; with it, none in three
    /// runs, and the seeded botnet is found as often (37 of 40). A
    /// normal approximation of that (the widened score) is too kind to a weak model that wins
    /// every recognised battle; this is too kind to nothing.
    fn predictive_tail(&self, votes: &[&AuditVote], model: &str, upward: bool) -> f64 {
        let reference = self.information.get(model).copied().unwrap_or(0.0);
        if reference <= 0.0 {
            return 1.0;
        }
        // The opponents' ratings are uncertain too: each opponent `j`'s error moves the group's
        // expected score by `c_j δ_j` (`c_j = Σ p(1 − p)` of its battles with the model), so
        // together they add `Σ c_j² / I_j` to the spread of the score, which is the model's own
        // shift scaled by `(Σ c_j)²`. Where the group met a few opponents, each known from few
        // votes (a table of many models, pairs drawn where they teach most), this is not small.
        let mut by_opponent: HashMap<&str, f64> = HashMap::new();
        for v in votes {
            let (Some(ra), Some(rb)) = (self.ratings.get(&v.model_a), self.ratings.get(&v.model_b))
            else {
                continue;
            };
            let opponent = if v.model_a == model {
                v.model_b.as_str()
            } else if v.model_b == model {
                v.model_a.as_str()
            } else {
                continue;
            };
            let p = expected(*ra, *rb);
            *by_opponent.entry(opponent).or_default() += p * (1.0 - p);
        }
        let total: f64 = by_opponent.values().sum();
        let opponents = if total > 0.0 {
            by_opponent
                .iter()
                .map(|(j, c)| {
                    let info = self.information.get(*j).copied().unwrap_or(0.0);
                    if info > 0.0 {
                        c * c / info
                    } else {
                        f64::INFINITY
                    }
                })
                .sum::<f64>()
                / (total * total)
        } else {
            0.0
        };
        let se = POINTS_PER_NATURAL_UNIT * (1.0 / reference + opponents).sqrt();
        if !se.is_finite() {
            return 1.0;
        }
        let (mut tail, mut weights) = (0.0, 0.0);
        for k in -16..=16 {
            let x = f64::from(k) * 0.5;
            let w = (-0.5 * x * x).exp();
            tail += w * exact_tail(votes, model, &self.ratings, upward, x * se);
            weights += w;
        }
        tail / weights
    }
}

/// The reference for a group: `counted` without the group's counted votes.
fn reference_without(counted: &BattleCounts, group: &[&AuditVote]) -> Reference {
    let mut cells: BTreeMap<(&str, &str, Choice), i64> = BTreeMap::new();
    for row in &counted.rows {
        *cells
            .entry((&row.model_a, &row.model_b, row.choice))
            .or_default() += i64::try_from(row.count).unwrap_or(i64::MAX);
    }
    for v in group.iter().filter(|v| v.flags.is_empty()) {
        if let Some(n) = cells.get_mut(&(v.model_a.as_str(), v.model_b.as_str(), v.choice)) {
            *n -= 1;
        }
    }
    let mut rest = BattleCounts::default();
    for ((a, b, choice), n) in cells {
        if n > 0 {
            rest.add(a, b, choice, n as u64);
        }
    }
    let fitted = fit_strengths(&rest);
    let ratings: HashMap<String, f64> = fitted
        .models
        .into_iter()
        .zip(fitted.theta)
        .map(|(m, t)| (m, CENTRE + t * POINTS_PER_NATURAL_UNIT))
        .collect();
    let mut information: HashMap<String, f64> = HashMap::new();
    for row in &rest.rows {
        let (Some(ra), Some(rb)) = (ratings.get(&row.model_a), ratings.get(&row.model_b)) else {
            continue;
        };
        let p = expected(*ra, *rb);
        let i = row.count as f64 * p * (1.0 - p);
        *information.entry(row.model_a.clone()).or_default() += i;
        *information.entry(row.model_b.clone()).or_default() += i;
    }
    Reference {
        ratings,
        information,
    }
}

/// The groups of the window's readable votes: (kind, from, to, votes).
fn groups<'a>(
    votes: &[&'a AuditVote],
    first_vote: &HashMap<String, i64>,
) -> Vec<(&'static str, i64, i64, Vec<&'a AuditVote>)> {
    let mut out = Vec::new();
    for scale in SCALES_MS {
        let mut arrivals: BTreeMap<i64, Vec<&AuditVote>> = BTreeMap::new();
        let mut activity: BTreeMap<i64, Vec<&AuditVote>> = BTreeMap::new();
        for v in votes {
            if let Some(first) = first_vote.get(&v.voter_id) {
                arrivals.entry(first.div_euclid(scale)).or_default().push(v);
            }
            activity
                .entry(v.voted_at_ms.div_euclid(scale))
                .or_default()
                .push(v);
        }
        for (kind, buckets) in [("arrivals", arrivals), ("activity", activity)] {
            for (k, group) in buckets {
                out.push((kind, k * scale, (k + 1) * scale, group));
            }
        }
    }
    out
}

/// What the test finds in `votes` (the window's votes): `first_vote` holds each voter's first
/// vote time, `counted` the counted votes the served ratings come from, `z` the threshold.
///
/// Findings are peeled one at a time, strongest first: a campaign's own votes inflate its
/// model in every other group's reference, so once it is found it leaves every reference
/// before the rest is tested again (otherwise the honest groups around it would look as if
/// they had turned against the model). Hours are peeled before six-hour periods and those
/// before days, and a larger group is tested without the votes a smaller one already explains,
/// so a day that holds an hour's campaign does not have its honest votes held with it. Votes already held
/// stay in the tests (a group goes on diverging while its campaign goes on, so new votes are
/// held too) and are not held again.
pub fn find(
    votes: &[AuditVote],
    first_vote: &HashMap<String, i64>,
    counted: &BattleCounts,
    z: f64,
    now_ms: i64,
) -> Vec<Finding> {
    let readable_votes: Vec<&AuditVote> = votes.iter().filter(|v| readable(v.flags)).collect();

    let mut groups = groups(&readable_votes, first_vote);
    groups.retain(|(_, _, to, _)| *to > now_ms - RECENT_MS);
    let recognisable: Vec<HashSet<(&str, &str)>> =
        groups.iter().map(|(_, _, _, g)| recognisable(g)).collect();
    let mut found: Vec<Finding> = Vec::new();
    // The votes with each model that a finding explains.
    let mut explained: HashMap<&str, HashSet<&str>> = HashMap::new();
    // Counted votes that left every reference.
    let mut peeled: Vec<&AuditVote> = Vec::new();
    // Smaller groups are peeled first: a day is tested only once its hours are done.
    let mut scale = 0;
    let mut references: Vec<Option<(usize, Reference)>> = vec![None; groups.len()];
    for _ in 0..MAX_FINDINGS * SCALES_MS.len() {
        if found.len() >= MAX_FINDINGS {
            break;
        }
        // The strongest finding: its strength, group, model, votes with the model, the votes
        // its test read (all of them, or the recognised ones) and its score.
        type Best<'v> = (
            f64,
            usize,
            &'v str,
            Vec<&'v AuditVote>,
            Vec<&'v AuditVote>,
            Score,
        );
        let mut best: Option<Best> = None;
        for (g, (_, from, to, group)) in groups.iter().enumerate() {
            if to - from != SCALES_MS[scale] {
                continue;
            }
            let seen = &recognisable[g];
            let recognised_only =
                |v: &&AuditVote, model: &str| seen.contains(&(v.battle_id.as_str(), model));
            // Every model with enough battles in the group is tested. No shortcut against the
            // served ratings: those hold the group's own votes, and where a model has few
            // battles outside it (a table of many models) a campaign's votes *are* its served
            // rating, so against it the campaign looks ordinary.
            let mut battles: HashMap<&str, u32> = HashMap::new();
            for v in group {
                *battles.entry(v.model_a.as_str()).or_default() += 1;
                *battles.entry(v.model_b.as_str()).or_default() += 1;
            }
            let mut suspects: Vec<&str> = battles
                .into_iter()
                .filter(|(_, n)| *n >= MIN_RECOGNISED.min(MIN_BATTLES))
                .map(|(m, _)| m)
                .collect();
            if suspects.is_empty() {
                continue;
            }
            suspects.sort_unstable();
            // The group's reference: every counted vote outside it and outside what is peeled,
            // refitted once for each state of the peel.
            if references[g]
                .as_ref()
                .is_none_or(|(n, _)| *n != peeled.len())
            {
                let mut outside: Vec<&AuditVote> = group.clone();
                let in_group: HashSet<&str> = group.iter().map(|v| v.battle_id.as_str()).collect();
                outside.extend(
                    peeled
                        .iter()
                        .copied()
                        .filter(|v| !in_group.contains(v.battle_id.as_str())),
                );
                references[g] = Some((peeled.len(), reference_without(counted, &outside)));
            }
            let Some((_, reference)) = &references[g] else {
                continue;
            };
            for model in suspects {
                let done = explained.get(model);
                let with_model: Vec<&AuditVote> = group
                    .iter()
                    .copied()
                    .filter(|v| v.model_a == model || v.model_b == model)
                    .filter(|v| done.is_none_or(|d| !d.contains(v.battle_id.as_str())))
                    .collect();
                let recognised: Vec<&AuditVote> = with_model
                    .iter()
                    .copied()
                    .filter(|v| recognised_only(v, model))
                    .collect();
                let all = scores(with_model.iter().copied(), &reference.ratings)
                    .get(model)
                    .copied();
                let rec = scores(recognised.iter().copied(), &reference.ratings)
                    .get(model)
                    .copied();
                // A group that holds most of what is known about the model is not judged
                // against the little left outside it: it is the evidence. Otherwise the honest
                // days of an arena are judged against an attack's counted rest, and held
                // (measured: 259 of 2,233 honest votes after fresh ids in one run of
                // `tests/api/simulation.rs`).
                let outside = reference.information.get(model).copied().unwrap_or(0.0);
                if all.is_some_and(|a| a.info > MAX_OVER_REFERENCE * outside) {
                    continue;
                }
                // The recognised battles are tested at a lower threshold only as far as they
                // are a part of the whole: in a day of honest traffic nearly every answer was
                // revealed to someone before, and the two tests are then one.
                let share = match (all, rec) {
                    (Some(a), Some(r)) if a.battles > 0 => {
                        f64::from(r.battles) / f64::from(a.battles)
                    }
                    _ => 1.0,
                };
                let recognised_z = z - RECOGNISED_MARGIN * (1.0 - share);
                // How far beyond its threshold each test is (the log of its tail against the
                // threshold's); the stronger decides. The normal approximation against the
                // reference's point ratings is only the first gate; the decision is the exact
                // tail with the reference's own uncertainty about the model.
                let beyond = |s: Option<Score>, votes: &[&AuditVote], threshold: f64, min: u32| {
                    let s = s.filter(|s| leans(s, threshold, min))?;
                    let alpha = upper_tail(threshold);
                    let upward = s.u > 0.0;
                    if exact_tail(votes, model, &reference.ratings, upward, 0.0) > alpha {
                        return None;
                    }
                    let tail = reference.predictive_tail(votes, model, upward);
                    (tail <= alpha).then(|| (tail.max(f64::MIN_POSITIVE).ln() / alpha.ln(), s))
                };
                let Some((strength, score, read)) = [
                    beyond(all, &with_model, z, MIN_BATTLES).map(|(t, s)| (t, s, false)),
                    beyond(rec, &recognised, recognised_z, MIN_RECOGNISED)
                        .map(|(t, s)| (t, s, true)),
                ]
                .into_iter()
                .flatten()
                .max_by(|a, b| a.0.total_cmp(&b.0)) else {
                    continue;
                };
                let score = reference.widened(model, score);
                if best.as_ref().is_none_or(|b| strength > b.0) {
                    let read = if read { recognised } else { with_model.clone() };
                    best = Some((strength, g, model, with_model, read, score));
                }
            }
        }
        let Some((_, g, model, with_model, read, score)) = best else {
            // Nothing more at this scale: on to the next, larger one.
            scale += 1;
            if scale == SCALES_MS.len() {
                break;
            }
            continue;
        };
        let (kind, from_ms, to_ms, _) = &groups[g];
        let Some((_, reference)) = &references[g] else {
            continue;
        };
        let held = core(&with_model, &read, model, reference, score.u > 0.0);
        explained
            .entry(model)
            .or_default()
            .extend(held.iter().map(|v| v.battle_id.as_str()));
        // The core's voters leave every reference with all their votes of the window, not
        // only those with the model: a script's cover (ties and losses between models it does
        // not care about) would otherwise stay in the table the rest is tested against, and
        // make the honest voters around it look as if they had turned against some other
        // model (measured: 247 honest votes held against the weakest model after sleepers).
        let core_voters: HashSet<&str> = held.iter().map(|v| v.voter_id.as_str()).collect();
        let mut in_peel: HashSet<&str> = peeled.iter().map(|v| v.battle_id.as_str()).collect();
        for v in readable_votes
            .iter()
            .copied()
            .filter(|v| core_voters.contains(v.voter_id.as_str()))
        {
            if in_peel.insert(v.battle_id.as_str()) {
                peeled.push(v);
            }
        }
        found.push(Finding {
            model: model.to_owned(),
            kind,
            from_ms: *from_ms,
            to_ms: *to_ms,
            z: score.z(),
            battles: score.battles,
            battle_ids: held
                .iter()
                .filter(|v| !v.flags.contains(Flag::ModelCampaign))
                .map(|v| v.battle_id.clone())
                .collect(),
        });
    }
    found
}

/// A group left this far beyond chance, or less, once its core is held is ordinary again.
const RESIDUAL_Z: f64 = 2.0;

/// The core of a divergent group: the votes with `model` of the voters who pushed it the
/// group's way in the battles its test read, most first, until what is left of them is within
/// [`RESIDUAL_Z`] of the reference (its uncertainty about the model counted, as in the test);
/// then, while what is left still pushes the group's way at all, every voter all of whose
/// battles with the model went that way (a campaign's ids that happened to push less than
/// chance allows: without this step a team kept a few wins and bought 2 places in one test
/// run of three). A campaign's ids push hardest (every battle with the model goes its way)
/// and go first; the honest voters who happened to vote with the model in the same hours stay
/// counted, unless the group is still beyond chance without the campaign. Holding the whole
/// group instead would hold every honest vote with the model cast in the campaign's day: in a
/// young arena, or a round, that is all of them, and the model's rating is then made by
/// whatever few votes are left (measured: 279 of 2,233 honest votes held, the model moved by
/// 75 points). A voter who did not push the model the group's way is never held.
fn core<'a>(
    with_model: &[&'a AuditVote],
    read: &[&'a AuditVote],
    model: &str,
    reference: &Reference,
    upward: bool,
) -> Vec<&'a AuditVote> {
    let ratings = &reference.ratings;
    let sign = if upward { 1.0 } else { -1.0 };
    // Each voter's push (Σ(s − p), the group's way) and information with the model, over the
    // battles the finding's test read (all, or the recognised ones).
    let mut voters: HashMap<&str, (f64, f64)> = HashMap::new();
    // Voters with a battle that did not go the group's way.
    let mut mixed: HashSet<&str> = HashSet::new();
    for v in read {
        let (Some(ra), Some(rb)) = (ratings.get(&v.model_a), ratings.get(&v.model_b)) else {
            continue;
        };
        let p_a = expected(*ra, *rb);
        let (p, s) = if v.model_a == model {
            (p_a, score_a(v.choice))
        } else {
            (1.0 - p_a, 1.0 - score_a(v.choice))
        };
        let e = voters.entry(v.voter_id.as_str()).or_default();
        e.0 += sign * (s - p);
        e.1 += p * (1.0 - p);
        if (upward && s < 1.0) || (!upward && s > 0.0) {
            mixed.insert(v.voter_id.as_str());
        }
    }
    let (mut push, mut info) = voters
        .values()
        .fold((0.0, 0.0), |(u, i), (vu, vi)| (u + vu, i + vi));
    let mut order: Vec<(&str, (f64, f64))> = voters.into_iter().collect();
    // Hardest push first; ties by id, so the same group holds the same votes on every server.
    order.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
    let mut held: HashSet<&str> = HashSet::new();
    for (voter, (u, i)) in &order {
        let residual = if info > 0.0 { push / info.sqrt() } else { 0.0 };
        if residual <= RESIDUAL_Z || *u <= 0.0 {
            break;
        }
        held.insert(voter);
        push -= u;
        info -= i;
    }
    // Then, while the rest still leans the group's way at all, the voters every one of whose
    // battles with the model went that way (a campaign's ids; few honest voters among the
    // rest): what is left of a campaign is not a campaign's to keep.
    for (voter, (u, _)) in &order {
        if push <= 0.0 {
            break;
        }
        if held.contains(voter) || mixed.contains(voter) || *u <= 0.0 {
            continue;
        }
        held.insert(voter);
        push -= u;
    }
    with_model
        .iter()
        .copied()
        .filter(|v| held.contains(v.voter_id.as_str()))
        .collect()
}

/// The chance of a result this far from the ratings, or further, if each of `model`'s battles
/// in `votes` were an independent win with the probability the ratings give it: the exact tail
/// where `z`'s normal approximation is too kind to a few lucky wins of a weak model in a small
/// group (an honest arena of 65 models was held on such a run). A tie is counted as a loss
/// upwards and as a win downwards, so the tail is never thinner than the truth.
fn exact_tail(
    votes: &[&AuditVote],
    model: &str,
    ratings: &HashMap<String, f64>,
    upward: bool,
    shift: f64,
) -> f64 {
    // The distribution of the number of wins, battle by battle.
    let mut wins = vec![1.0];
    let mut observed = 0.0;
    for v in votes {
        let (Some(ra), Some(rb)) = (ratings.get(&v.model_a), ratings.get(&v.model_b)) else {
            continue;
        };
        let (ra, rb) = (
            ra + if v.model_a == model { shift } else { 0.0 },
            rb + if v.model_b == model { shift } else { 0.0 },
        );
        let p_a = expected(ra, rb);
        let (p, s) = if v.model_a == model {
            (p_a, score_a(v.choice))
        } else if v.model_b == model {
            (1.0 - p_a, 1.0 - score_a(v.choice))
        } else {
            continue;
        };
        observed += if upward { s.floor() } else { s.ceil() };
        let mut next = vec![0.0; wins.len() + 1];
        for (k, q) in wins.iter().enumerate() {
            next[k] += q * (1.0 - p);
            next[k + 1] += q * p;
        }
        wins = next;
    }
    let observed = observed as usize;
    if upward {
        wins.iter().skip(observed).sum()
    } else {
        wins.iter().take(observed + 1).sum()
    }
}

/// The standard normal's upper tail beyond `z`.
fn upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// The (battle, model) pairs of a group in which the model's answer had already been revealed
/// to someone in the group: the battles where a script that learns from reveals can recognise
/// the model. Honest voters judge an answer the same whether or not their neighbours saw it
/// before; a script lifting a model it recognises wins exactly these.
fn recognisable<'a>(group: &[&'a AuditVote]) -> HashSet<(&'a str, &'a str)> {
    let mut by_time: Vec<&AuditVote> = group.to_vec();
    by_time.sort_by(|a, b| (a.voted_at_ms, &a.battle_id).cmp(&(b.voted_at_ms, &b.battle_id)));
    let mut revealed: HashSet<(&str, &str)> = HashSet::new();
    let mut out = HashSet::new();
    for v in by_time {
        for model in [v.model_a.as_str(), v.model_b.as_str()] {
            if !revealed.insert((v.prompt_id.as_str(), model)) {
                out.insert((v.battle_id.as_str(), model));
            }
        }
    }
    out
}

/// The test of recognisable battles alone is held to a threshold this much lower (times the
/// share of the group's battles with the model that are not recognisable): it reads fewer
/// battles (a learning script's recognised wins are a dozen or two), and it is one more test of
/// the same null. Measured in `tests.rs`: a seeded learning botnet is found in 26 of 40 arenas
/// with 1, 37 with 2, and no clean honest arena of 300 is held with either. With 2, before
/// groups that are most of what is known of a model were left untested
/// ([`MAX_OVER_REFERENCE`]), the honest votes around a campaign whose counted rest moved the
/// reference were held (156 and 215 of 2,233 in `tests/api/simulation.rs`); since, none in four
/// runs of the simulation and the contenders' attacks.
pub const RECOGNISED_MARGIN: f64 = 2.0;

/// A group is tested on a model only while its information about the model (`Σ p(1 − p)` of
/// its battles with it) is at most this many times the reference's: a campaign is a minority of
/// what is known about its model; a group that is most of it is the arena itself.
const MAX_OVER_REFERENCE: f64 = 3.0;

/// At most this many findings a pass (each costs a round of refits); the rest wait for the
/// next pass.
const MAX_FINDINGS: usize = 32;

#[cfg(test)]
mod tests;
