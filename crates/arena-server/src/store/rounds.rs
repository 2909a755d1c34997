//! Evaluation rounds in the store: what a new round seals, and the one rule of its states.
//!
//! A draft seals, in its own transaction, every prompt it may draw (in its categories, drawable,
//! answered by at least two of its models) and every answer of its models to those prompts, each
//! by its SHA-256, and each model's answer set by [`arena_core::round::seal`]. The states move
//! one step forward ([`RoundState::can_become`]); the database refuses anything else, and any
//! change to a round's models, prompts and answers once it opened (migration 0013).
//!
//! An open round's battles are drawn from what it sealed ([`RoundIndex`], kept in memory: it
//! never changes once the round opened), aimed at the round's precision: a pair of its models
//! by the round's plan ([`arena_core::rating::round_plan`]: the neighbours in the round's own
//! table whose difference is not resolved yet, every pair keeping a floor), renewed from the
//! round's votes every [`PLAN_EVERY`]; before the first plan, the pair drawn least so far. Then
//! a prompt both answered, the sides at random, and only texts whose SHA-256 is still the
//! sealed one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use rand::seq::IndexedRandom;

use arena_core::rating::pairing::choose;
use arena_core::rating::round_plan::{RoundPlan, position};
use arena_core::round::{RoundDraft, RoundState, seal, text_sha256};

use super::StoreError;

/// Why a round could not be made or moved (the operator's to mend; a 4xx).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoundRefused {
    /// No such round.
    NotFound,
    /// These model ids are not in the registry.
    UnknownModels(Vec<String>),
    /// No prompt in the round's categories is answered by two of its models.
    NoPrompts,
    /// The round is in `from`, which cannot become the state asked for.
    Moved { from: RoundState },
}

/// A drawable answer as a new round reads it: prompt id, its category and text, model id, the
/// answer's text.
pub struct CandidateAnswer {
    pub prompt_id: String,
    pub category: String,
    pub prompt: String,
    pub model_id: String,
    pub answer: String,
}

/// What a draft seals: each prompt with its hash, each answer `(prompt, model, hash)`, each
/// model's seal and answer count, and the prompts' seal.
pub struct Sealed {
    pub prompts: Vec<(String, String)>,
    pub answers: Vec<(String, String, String)>,
    pub models: BTreeMap<String, (String, u64)>,
    pub prompts_sha256: String,
}

/// Seals `draft` from the catalogue's drawable answers: the prompts in its categories (all
/// when it names none) that at least two of its models answered, and those models' answers to
/// them. `None` when no prompt qualifies.
pub fn seal_draft(draft: &RoundDraft, candidates: &[CandidateAnswer]) -> Option<Sealed> {
    let models: BTreeSet<&str> = draft.models.iter().map(String::as_str).collect();
    let categories: BTreeSet<&str> = draft.categories.iter().map(|c| c.trim()).collect();
    let mut by_prompt: BTreeMap<&str, Vec<&CandidateAnswer>> = BTreeMap::new();
    for c in candidates {
        if models.contains(c.model_id.as_str())
            && (categories.is_empty() || categories.contains(c.category.as_str()))
        {
            by_prompt.entry(c.prompt_id.as_str()).or_default().push(c);
        }
    }
    by_prompt.retain(|_, answers| answers.len() >= 2);
    if by_prompt.is_empty() {
        return None;
    }
    let mut prompts = Vec::new();
    let mut answers = Vec::new();
    let mut per_model: BTreeMap<&str, Vec<(&str, String)>> = BTreeMap::new();
    for (prompt_id, list) in &by_prompt {
        prompts.push((prompt_id.to_string(), text_sha256(&list[0].prompt)));
        for a in list {
            let sha = text_sha256(&a.answer);
            per_model
                .entry(a.model_id.as_str())
                .or_default()
                .push((prompt_id, sha.clone()));
            answers.push((prompt_id.to_string(), a.model_id.clone(), sha));
        }
    }
    let models = draft
        .models
        .iter()
        .map(|m| {
            let list = per_model.get(m.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let sealed = seal(list.iter().map(|(p, s)| (*p, s.as_str())));
            (m.clone(), (sealed, list.len() as u64))
        })
        .collect();
    let prompts_sha256 = seal(prompts.iter().map(|(p, s)| (p.as_str(), s.as_str())));
    Some(Sealed {
        prompts,
        answers,
        models,
        prompts_sha256,
    })
}

/// What an open round may draw: each pair of its models with the prompts both answered, and
/// the sealed hash of every prompt and answer.
#[derive(Debug)]
pub struct RoundIndex {
    pairs: Vec<RoundPair>,
    prompts: HashMap<String, String>,
    answers: HashMap<(String, String), String>,
    /// Every model of its pairs, sorted (the order of the plan's pairs).
    models: Vec<String>,
    /// Each of `pairs`' draw probability by the latest plan (`None` until the first).
    plan: Mutex<Option<Vec<f64>>>,
    /// When the plan is next renewed (at most one renewal at a time).
    renew_at: Mutex<Option<Instant>>,
}

/// How often a server renews an open round's draw plan from the round's votes.
pub const PLAN_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct RoundPair {
    a: String,
    b: String,
    prompts: Vec<String>,
    /// Battles of this pair drawn on this server (every server balances its own draws).
    drawn: AtomicU64,
}

impl RoundIndex {
    /// From the round's sealed prompts `(prompt, sha)` and answers `(prompt, model, sha)`.
    pub fn new(prompts: Vec<(String, String)>, answers: Vec<(String, String, String)>) -> Self {
        let mut by_prompt: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (prompt, model, _) in &answers {
            by_prompt.entry(prompt).or_default().push(model);
        }
        let mut pairs: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
        for (prompt, models) in &by_prompt {
            let mut models = models.clone();
            models.sort_unstable();
            for (i, a) in models.iter().enumerate() {
                for b in &models[i + 1..] {
                    pairs.entry((a, b)).or_default().push(prompt.to_string());
                }
            }
        }
        let models: Vec<String> = pairs
            .keys()
            .flat_map(|(a, b)| [a.to_string(), b.to_string()])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let pairs = pairs
            .into_iter()
            .map(|((a, b), prompts)| RoundPair {
                a: a.to_string(),
                b: b.to_string(),
                prompts,
                drawn: AtomicU64::new(0),
            })
            .collect();
        RoundIndex {
            pairs,
            prompts: prompts.into_iter().collect(),
            answers: answers
                .into_iter()
                .map(|(p, m, sha)| ((p, m), sha))
                .collect(),
            models,
            plan: Mutex::new(None),
            renew_at: Mutex::new(None),
        }
    }

    /// The round's models, sorted: what [`RoundIndex::set_plan`]'s plan is made for.
    pub fn models(&self) -> &[String] {
        &self.models
    }

    /// Whether it is this caller's turn to renew the plan (then the next turn is
    /// [`PLAN_EVERY`] later, whoever asks).
    pub fn plan_due(&self, now: Instant) -> bool {
        let mut at = self.renew_at.lock().unwrap_or_else(|p| p.into_inner());
        if at.is_some_and(|at| now < at) {
            return false;
        }
        *at = Some(now + PLAN_EVERY);
        true
    }

    /// Draws by `plan` (made for [`RoundIndex::models`]) from now on; a pair the round cannot
    /// draw (no prompt both answered) gives its share to the others.
    pub fn set_plan(&self, plan: &RoundPlan) {
        let m = self.models.len();
        let at = |id: &str| self.models.binary_search_by(|x| x.as_str().cmp(id)).ok();
        let shares: Vec<f64> = self
            .pairs
            .iter()
            .map(|p| match (at(&p.a), at(&p.b)) {
                (Some(i), Some(j)) if i < j => plan
                    .probabilities
                    .get(position(m, i, j))
                    .copied()
                    .unwrap_or(0.0),
                _ => 0.0,
            })
            .collect();
        let total: f64 = shares.iter().sum();
        if total > 0.0 && total.is_finite() {
            *self.plan.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(shares.into_iter().map(|s| s / total).collect());
        }
    }

    /// A prompt and two models `(prompt, shown as A, shown as B)`: a pair by the plan, or
    /// before the first plan the pair drawn least so far (ties at random, so no pair starves),
    /// in random order, on a random prompt both answered.
    pub fn pick(&self) -> Option<(String, String, String)> {
        let mut rng = rand::rng();
        let planned = self
            .plan
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|shares| choose(shares, rng.random::<f64>()));
        let pair = match planned {
            Some(k) => self.pairs.get(k)?,
            None => {
                let least = self
                    .pairs
                    .iter()
                    .map(|p| p.drawn.load(Ordering::Relaxed))
                    .min()?;
                let candidates: Vec<&RoundPair> = self
                    .pairs
                    .iter()
                    .filter(|p| p.drawn.load(Ordering::Relaxed) == least)
                    .collect();
                *candidates.choose(&mut rng)?
            }
        };
        pair.drawn.fetch_add(1, Ordering::Relaxed);
        let prompt = pair.prompts.choose(&mut rng)?.clone();
        Some(if rng.random_bool(0.5) {
            (prompt, pair.a.clone(), pair.b.clone())
        } else {
            (prompt, pair.b.clone(), pair.a.clone())
        })
    }

    /// Whether the texts read now are the ones the round sealed.
    pub fn sealed(&self, prompt: &str, text: &str, answers: [(&str, &str); 2]) -> bool {
        self.prompts.get(prompt).map(String::as_str) == Some(text_sha256(text).as_str())
            && answers.iter().all(|(model, answer)| {
                self.answers
                    .get(&(prompt.to_string(), model.to_string()))
                    .map(String::as_str)
                    == Some(text_sha256(answer).as_str())
            })
    }
}

/// How long after its closing time a round is closed (votes are refused from the closing time on,
/// whether or not it was closed yet).
const CLOSE_GRACE_MS: i64 = 2_000;

/// What the closing time's own step is logged as (the operator column of the log).
pub const CLOSER: &str = "arena (closing time)";

/// Moves every open round whose closing time passed to `closed`, each logged like an
/// operator's step (`round.closed`, by [`CLOSER`]); returns the rounds it closed. Every server
/// runs it (see `application.rs`): a round another server closed first is left as it is.
pub async fn close_due(store: &dyn super::Store, now_ms: i64) -> Result<Vec<i64>, StoreError> {
    let mut closed = Vec::new();
    // A round a server thinks due is closed a little after its time, so a server whose clock runs
    // ahead does not close it early for all (a close cannot be undone).
    for id in store.due_rounds(now_ms - CLOSE_GRACE_MS).await? {
        let audit = super::NewAudit {
            at_ms: now_ms,
            operator: CLOSER.to_owned(),
            action: "round.closed".to_owned(),
            subject: id.to_string(),
            detail: serde_json::Value::Null,
        };
        // One round that cannot be moved does not keep the others open.
        match store.move_round(id, RoundState::Closed, audit).await {
            Ok(Ok(_)) => closed.push(id),
            Ok(Err(_)) => {}
            Err(e) => tracing::warn!(round = id, error = %e, "a round due to close was not closed"),
        }
    }
    Ok(closed)
}

/// The indexes of the rounds this server drew from, shared by a store's clones.
#[derive(Debug, Default)]
pub struct RoundDraws(Mutex<HashMap<i64, Arc<RoundIndex>>>);

impl RoundDraws {
    pub fn get(&self, round: i64) -> Option<Arc<RoundIndex>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&round)
            .cloned()
    }

    /// Keeps `index` for `round` (only for a round that opened: its seal no longer changes).
    pub fn keep(&self, round: i64, index: RoundIndex) -> Arc<RoundIndex> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(round)
            .or_insert_with(|| Arc::new(index))
            .clone()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use arena_core::round::{Audience, RevealPolicy};

    fn index(models: &[&str], prompts: &[&str]) -> RoundIndex {
        let sealed_prompts = prompts
            .iter()
            .map(|p| (p.to_string(), text_sha256(&format!("{p}?"))))
            .collect();
        let answers = prompts
            .iter()
            .flat_map(|p| {
                models.iter().map(move |m| {
                    (
                        p.to_string(),
                        m.to_string(),
                        text_sha256(&format!("{p}{m}")),
                    )
                })
            })
            .collect();
        RoundIndex::new(sealed_prompts, answers)
    }

    #[test]
    fn a_round_draws_every_pair_of_its_models_evenly() {
        let index = index(&["a", "b", "c", "d"], &["p1", "p2"]);
        let mut seen: BTreeMap<(String, String), u32> = BTreeMap::new();
        let mut shown_first: BTreeMap<String, u32> = BTreeMap::new();
        for _ in 0..600 {
            let (prompt, a, b) = index.pick().unwrap();
            assert!(prompt == "p1" || prompt == "p2");
            assert_ne!(a, b);
            *shown_first.entry(a.clone()).or_default() += 1;
            let pair = if a < b { (a, b) } else { (b, a) };
            *seen.entry(pair).or_default() += 1;
        }
        assert_eq!(seen.len(), 6, "every pair of 4 models");
        assert!(seen.values().all(|n| *n == 100), "{seen:?}");
        // Random order: each model shown first in about half of its 300 battles.
        assert!(
            shown_first.values().all(|n| (100..200).contains(n)),
            "{shown_first:?}"
        );
    }

    #[test]
    fn a_round_s_plan_sends_its_votes_to_the_unresolved_neighbours_and_starves_no_pair() {
        use arena_core::Choice;
        use arena_core::rating::BattleCounts;
        use arena_core::rating::round_plan::round_plan;
        // a far above b, b far above c (resolved); c and d level (not resolved). Model d
        // answered p2 only: the pairs with d draw p2.
        let index = RoundIndex::new(
            vec![("p1".into(), "x".into()), ("p2".into(), "y".into())],
            ["a", "b", "c"]
                .iter()
                .flat_map(|m| ["p1", "p2"].map(|p| (p.to_string(), m.to_string(), String::new())))
                .chain([("p2".to_string(), "d".to_string(), String::new())])
                .collect(),
        );
        assert_eq!(index.models(), ["a", "b", "c", "d"]);
        let now = Instant::now();
        assert!(index.plan_due(now));
        assert!(!index.plan_due(now), "one renewal at a time");
        assert!(index.plan_due(now + PLAN_EVERY));
        let mut counts = BattleCounts::default();
        for (x, y) in [("a", "b"), ("b", "c")] {
            counts.add(x, y, Choice::A, 180);
            counts.add(x, y, Choice::B, 20);
        }
        counts.add("c", "d", Choice::A, 100);
        counts.add("c", "d", Choice::B, 100);
        index.set_plan(&round_plan(index.models(), &counts));
        let mut seen: BTreeMap<(String, String), u32> = BTreeMap::new();
        for _ in 0..2_000 {
            let (prompt, a, b) = index.pick().unwrap();
            if a == "d" || b == "d" {
                assert_eq!(prompt, "p2");
            }
            let pair = if a < b { (a, b) } else { (b, a) };
            *seen.entry(pair).or_default() += 1;
        }
        assert_eq!(seen.len(), 6, "no pair starves: {seen:?}");
        // The unresolved neighbours get 75% + 25%/6 of the draws; each other pair 25%/6.
        let cd = seen[&("c".to_string(), "d".to_string())];
        assert!((1_500..1_750).contains(&cd), "{seen:?}");
        assert!(seen.values().all(|n| *n >= 40), "{seen:?}");
    }

    #[test]
    fn a_text_changed_after_the_seal_is_not_the_sealed_one() {
        let index = index(&["a", "b"], &["p1"]);
        assert!(index.sealed("p1", "p1?", [("a", "p1a"), ("b", "p1b")]));
        assert!(!index.sealed("p1", "p1?", [("a", "p1a"), ("b", "changed")]));
        assert!(!index.sealed("p1", "changed?", [("a", "p1a"), ("b", "p1b")]));
        assert!(!index.sealed("p2", "p1?", [("a", "p1a"), ("b", "p1b")]));
    }

    fn answer(prompt: &str, category: &str, model: &str, text: &str) -> CandidateAnswer {
        CandidateAnswer {
            prompt_id: prompt.into(),
            category: category.into(),
            prompt: format!("{prompt}?"),
            model_id: model.into(),
            answer: text.into(),
        }
    }

    fn draft(models: &[&str], categories: &[&str]) -> RoundDraft {
        RoundDraft {
            name: "r".into(),
            models: models.iter().map(|m| m.to_string()).collect(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            opens_at_ms: 0,
            closes_at_ms: 1,
            audience: Audience::Public,
            votes_per_person: 10,
            reveal: RevealPolicy::AfterVote,
            declared: Default::default(),
        }
    }

    #[test]
    fn a_draft_seals_the_prompts_two_of_its_models_answered_in_its_categories() {
        let catalogue = [
            answer("p1", "역사", "a", "1446년"),
            answer("p1", "역사", "b", "1443년"),
            answer("p1", "역사", "c", "모름"),
            answer("p2", "역사", "a", "혼자"),
            answer("p3", "생활", "a", "14일"),
            answer("p3", "생활", "b", "정부24"),
        ];
        let sealed = seal_draft(&draft(&["a", "b"], &["역사"]), &catalogue).unwrap();
        assert_eq!(
            sealed.prompts.len(),
            1,
            "p2 has one answer, p3 another category"
        );
        assert_eq!(sealed.prompts[0], ("p1".into(), text_sha256("p1?")));
        assert_eq!(sealed.answers.len(), 2, "c is not in the round");
        let (seal_a, count_a) = &sealed.models["a"];
        assert_eq!(*count_a, 1);
        assert_eq!(*seal_a, seal([("p1", text_sha256("1446년").as_str())]));
        let all = seal_draft(&draft(&["a", "b"], &[]), &catalogue).unwrap();
        assert_eq!(all.prompts.len(), 2);
        assert_ne!(all.prompts_sha256, sealed.prompts_sha256);
        assert!(seal_draft(&draft(&["a", "c"], &["생활"]), &catalogue).is_none());
    }
}
