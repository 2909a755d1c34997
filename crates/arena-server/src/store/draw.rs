//! Drawing a battle without scanning the catalogue: each server keeps, in memory, which models
//! may be drawn for which prompt (ids only, no texts), and reloads it only when the catalogue's
//! version in the database changed (an import or an operator's permission anywhere). A draw
//! then picks a prompt and two of its models at random in memory and reads just those three
//! texts by primary key.
//!
//! The rule is the arena's, the same for both stores. With a pairing plan (the leaderboard's
//! [`arena_core::rating::pairing`] probabilities, renewed after each recomputation) a pair of
//! models is drawn by its probability, then a prompt (of the category asked for) that both
//! answered, in random order; a pair that cannot be drawn now (a paused model, no shared prompt
//! in the category) gives way to another. Without a plan, or when no planned pair can be drawn,
//! every prompt with two or more drawable answers is equally likely (within the category), then
//! any two of its models. When operators weighed categories, a battle that asks for no category
//! first takes one by its weight times its prompts (so each prompt is drawn in proportion to its
//! category's weight), then proceeds as above within it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use rand::Rng;
use rand::seq::IndexedRandom;

use arena_core::api::{ModelRef, PromptView, RevealedModels};

use super::{DrawnBattle, StoreError};

/// Another server's import is seen within this time.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// One drawable answer: (prompt id, category, model id).
pub type DrawableAnswer = (String, String, String);

#[derive(Debug, Default)]
struct Index {
    version: i64,
    /// Every model's display name and card, for the reveal.
    models: std::collections::HashMap<String, ModelRef>,
    /// Prompts with two or more drawable answers: (prompt id, its models).
    prompts: Vec<(String, Vec<String>)>,
    /// Positions in `prompts` per category.
    by_category: BTreeMap<String, Vec<u32>>,
    /// Positions in `prompts` per model (each prompt's models are sorted).
    by_model: std::collections::HashMap<String, Vec<u32>>,
    /// The category of each prompt, as its key in `by_category`.
    category_of: Vec<String>,
    /// Operators' sampling weights of categories (1 for the others); empty: every prompt alike.
    weights: BTreeMap<String, f64>,
}

/// How pairs are drawn: every unordered pair of `models` with its probability, in the order of
/// [`arena_core::rating::pairing::pair_probabilities`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairPlan {
    models: Vec<String>,
    probabilities: Vec<f64>,
    known: std::collections::HashSet<String>,
}

impl PairPlan {
    pub fn new(models: Vec<String>, probabilities: Vec<f64>) -> Self {
        PairPlan {
            known: models.iter().cloned().collect(),
            models,
            probabilities,
        }
    }
}

/// Planned pairs tried before the uniform rule takes over; prompts tried per pair (all of the
/// fewer model's prompts when it has at most `SCAN_ALL`).
const PLANNED_PAIRS: usize = 8;
const PROMPTS_PER_PAIR: usize = 16;
const SCAN_ALL: usize = 64;

impl Index {
    fn build(
        version: i64,
        mut rows: Vec<DrawableAnswer>,
        models: Vec<ModelRef>,
        weights: Vec<(String, f64)>,
    ) -> Self {
        rows.sort_unstable();
        let mut index = Index {
            version,
            models: models.into_iter().map(|m| (m.id.clone(), m)).collect(),
            weights: weights
                .into_iter()
                .filter(|(_, w)| w.is_finite() && *w >= 0.0 && *w != 1.0)
                .collect(),
            ..Index::default()
        };
        let mut i = 0;
        while i < rows.len() {
            let mut j = i;
            while j < rows.len() && rows[j].0 == rows[i].0 {
                j += 1;
            }
            if j - i >= 2 {
                let position = u32::try_from(index.prompts.len()).unwrap_or(u32::MAX);
                index
                    .by_category
                    .entry(rows[i].1.clone())
                    .or_default()
                    .push(position);
                let models: Vec<String> = rows[i..j].iter().map(|r| r.2.clone()).collect();
                for m in &models {
                    index.by_model.entry(m.clone()).or_default().push(position);
                }
                index.category_of.push(rows[i].1.clone());
                index.prompts.push((rows[i].0.clone(), models));
            }
            i = j;
        }
        index
    }

    /// A prompt (of `category`, if given) and two models by `plan`: a pair by its probability,
    /// then one of its shared prompts; `None` when no planned pair could be drawn.
    fn pick_planned(
        &self,
        plan: &PairPlan,
        category: Option<&str>,
    ) -> Option<(String, String, String)> {
        use arena_core::rating::pairing::{choose, pair_at};
        // A model imported after the plan was made is in no planned pair: draw uniformly (it
        // then has its share) until the next plan, which weighs it most.
        if self.by_model.keys().any(|m| !plan.known.contains(m)) {
            return None;
        }
        let mut rng = rand::rng();
        for _ in 0..PLANNED_PAIRS {
            let (i, j) = pair_at(plan.models.len(), choose(&plan.probabilities, rng.random()));
            let (a, b) = (plan.models.get(i)?, plan.models.get(j)?);
            let (Some(of_a), Some(of_b)) = (self.by_model.get(a), self.by_model.get(b)) else {
                continue;
            };
            // Look among the prompts of the model with fewer (a new model's few): all of them
            // when they are few, else a sample.
            let (short, other) = if of_a.len() <= of_b.len() {
                (of_a, b)
            } else {
                (of_b, a)
            };
            let fits = |position: usize| {
                category.is_none_or(|c| self.category_of[position] == c)
                    && self.prompts[position].1.binary_search(other).is_ok()
            };
            let found = if short.len() <= SCAN_ALL {
                let shared: Vec<usize> = short
                    .iter()
                    .map(|p| *p as usize)
                    .filter(|p| fits(*p))
                    .collect();
                shared.choose(&mut rng).copied()
            } else {
                (0..PROMPTS_PER_PAIR)
                    .filter_map(|_| short.choose(&mut rng).map(|p| *p as usize))
                    .find(|p| fits(*p))
            };
            if let Some(position) = found {
                let prompt = &self.prompts[position].0;
                let (first, second) = if rng.random::<bool>() { (a, b) } else { (b, a) };
                return Some((prompt.clone(), first.clone(), second.clone()));
            }
        }
        None
    }

    /// With operators' weights, the category of a battle that asked for none: each category by
    /// its weight times its prompts, so every prompt is drawn in proportion to its category's
    /// weight. `Some(None)`: no weights, every prompt alike; `None`: every weight is 0.
    fn weighted_category(&self) -> Option<Option<&str>> {
        if self.weights.is_empty() {
            return Some(None);
        }
        let shares: Vec<(&str, f64)> = self
            .by_category
            .iter()
            .map(|(c, prompts)| {
                let w = self.weights.get(c).copied().unwrap_or(1.0);
                (c.as_str(), w * prompts.len() as f64)
            })
            .filter(|(_, share)| *share > 0.0)
            .collect();
        let total: f64 = shares.iter().map(|(_, s)| s).sum();
        if total <= 0.0 {
            return None;
        }
        let mut x = rand::rng().random::<f64>() * total;
        for (c, share) in &shares {
            if x < *share {
                return Some(Some(c));
            }
            x -= share;
        }
        shares.last().map(|(c, _)| Some(*c))
    }

    /// A prompt (of `category`, if given) and two different models in random order.
    fn pick(&self, category: Option<&str>) -> Option<(String, String, String)> {
        let mut rng = rand::rng();
        let position = match category {
            None if self.prompts.is_empty() => return None,
            None => rng.random_range(0..self.prompts.len()),
            Some(c) => *self.by_category.get(c)?.choose(&mut rng)? as usize,
        };
        let (prompt, models) = self.prompts.get(position)?;
        let first = rng.random_range(0..models.len());
        let mut second = rng.random_range(0..models.len() - 1);
        if second >= first {
            second += 1;
        }
        Some((
            prompt.clone(),
            models[first].clone(),
            models[second].clone(),
        ))
    }
}

/// What a store offers the index: the catalogue's version, and its drawable answers.
#[async_trait::async_trait]
pub trait DrawSource: Send + Sync {
    async fn catalogue_version(&self) -> Result<i64, StoreError>;
    async fn drawable_answers(&self) -> Result<Vec<DrawableAnswer>, StoreError>;
    /// Operators' sampling weights of categories.
    async fn category_weights(&self) -> Result<Vec<(String, f64)>, StoreError>;
    /// Every model with its display name and card.
    async fn model_refs(&self) -> Result<Vec<ModelRef>, StoreError>;
    /// The prompt's category and text and the two models' answers, if all still exist.
    async fn battle_texts(
        &self,
        prompt: &str,
        a: &str,
        b: &str,
    ) -> Result<Option<(String, String, String, String)>, StoreError>;
}

/// The in-memory index of a store, shared by its clones.
#[derive(Debug, Default)]
pub struct DrawIndex {
    current: RwLock<Option<Arc<Index>>>,
    /// How to pair models (`None`: uniformly by prompt).
    plan: RwLock<Option<Arc<PairPlan>>>,
    checked: Mutex<Option<Instant>>,
    /// One reload at a time.
    loading: tokio::sync::Mutex<()>,
}

impl DrawIndex {
    /// Draws pairs by `plan` from now on (`None`: uniformly by prompt).
    pub fn set_plan(&self, plan: Option<Arc<PairPlan>>) {
        *self.plan.write().unwrap_or_else(|p| p.into_inner()) = plan;
    }

    /// Forgets the index: the next draw reloads it (after this server changed the catalogue).
    pub fn invalidate(&self) {
        *self.checked.lock().unwrap_or_else(|p| p.into_inner()) = None;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn loaded(&self) -> Option<Arc<Index>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    async fn index(&self, source: &dyn DrawSource) -> Result<Arc<Index>, StoreError> {
        let fresh = || {
            self.checked
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_some_and(|t| t.elapsed() < CHECK_EVERY)
        };
        let loaded = self.loaded();
        if let Some(index) = &loaded
            && fresh()
        {
            return Ok(Arc::clone(index));
        }
        // One request checks (and reloads); the others go on drawing from the index they have,
        // and wait only when there is none yet.
        let _one = match (self.loading.try_lock(), &loaded) {
            (Ok(guard), _) => guard,
            (Err(_), Some(index)) => return Ok(Arc::clone(index)),
            (Err(_), None) => self.loading.lock().await,
        };
        if let Some(index) = self.loaded()
            && fresh()
        {
            return Ok(index);
        }
        let version = source.catalogue_version().await?;
        let index = match self.loaded() {
            Some(index) if index.version == version => index,
            _ => {
                let rows = source.drawable_answers().await?;
                let models = source.model_refs().await?;
                let weights = source.category_weights().await?;
                let index = tokio::task::spawn_blocking(move || {
                    Arc::new(Index::build(version, rows, models, weights))
                })
                .await
                .map_err(|e| StoreError::Other(e.into()))?;
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&index));
                index
            }
        };
        *self.checked.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        Ok(index)
    }

    /// The two models of a battle with their display names and cards as of the catalogue's
    /// current version (a model the index does not know yet keeps its id as its name).
    pub async fn reveal(
        &self,
        source: &dyn DrawSource,
        a: &str,
        b: &str,
    ) -> Result<RevealedModels, StoreError> {
        let index = self.index(source).await?;
        let model = |id: &str| {
            index
                .models
                .get(id)
                .cloned()
                .unwrap_or_else(|| ModelRef::named(id.to_owned(), id.to_owned()))
        };
        Ok(RevealedModels {
            a: model(a),
            b: model(b),
        })
    }

    /// `models` with the cards the registry has for them now (names as they were).
    pub async fn with_cards(
        &self,
        source: &dyn DrawSource,
        mut models: RevealedModels,
    ) -> Result<RevealedModels, StoreError> {
        let index = self.index(source).await?;
        for m in [&mut models.a, &mut models.b] {
            m.card = index.models.get(&m.id).and_then(|r| r.card.clone());
        }
        Ok(models)
    }

    /// A battle (of `category`, if given): picked from the index, its three texts read by key.
    /// The catalogue may change between the pick and the read: then reload and pick again.
    pub async fn draw(
        &self,
        source: &dyn DrawSource,
        category: Option<&str>,
    ) -> Result<Option<DrawnBattle>, StoreError> {
        for _ in 0..3 {
            let Some((prompt, a, b)) = self.pick(source, category).await? else {
                return Ok(None);
            };
            if let Some((category, text, answer_a, answer_b)) =
                source.battle_texts(&prompt, &a, &b).await?
            {
                return Ok(Some(DrawnBattle {
                    prompt: PromptView {
                        id: prompt,
                        category,
                        text,
                    },
                    model_a: a,
                    model_b: b,
                    answer_a,
                    answer_b,
                }));
            }
            self.invalidate();
        }
        Ok(None)
    }

    /// A prompt id and two models to draw, or `None` when nothing can be drawn.
    async fn pick(
        &self,
        source: &dyn DrawSource,
        category: Option<&str>,
    ) -> Result<Option<(String, String, String)>, StoreError> {
        let index = self.index(source).await?;
        let plan = self.plan.read().unwrap_or_else(|p| p.into_inner()).clone();
        // No category asked for: the operators' weights choose one (if they set any).
        let category = match category {
            Some(c) => Some(c),
            None => match index.weighted_category() {
                Some(chosen) => chosen,
                None => return Ok(None),
            },
        };
        Ok(plan
            .and_then(|plan| index.pick_planned(&plan, category))
            .or_else(|| index.pick(category)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn row(p: &str, c: &str, m: &str) -> DrawableAnswer {
        (p.into(), c.into(), m.into())
    }

    #[test]
    fn only_prompts_with_two_answers_are_drawn_and_the_two_models_differ() {
        let index = Index::build(
            1,
            vec![
                row("p1", "역사", "a"),
                row("p1", "역사", "b"),
                row("p2", "법률", "a"),
                row("p3", "법률", "a"),
                row("p3", "법률", "c"),
                row("p3", "법률", "b"),
            ],
            vec![],
            vec![],
        );
        assert_eq!(index.prompts.len(), 2);
        assert!(index.pick(Some("없음")).is_none());
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let (p, a, b) = index.pick(Some("법률")).unwrap();
            assert_eq!(p, "p3");
            assert_ne!(a, b);
            seen.insert((a, b));
        }
        // Every ordered pair of p3's three models turns up.
        assert_eq!(seen.len(), 6);
        assert!(Index::build(1, vec![], vec![], vec![]).pick(None).is_none());
    }

    #[test]
    fn operators_weights_share_the_battles_between_categories() {
        let mut rows = Vec::new();
        for p in 0..30 {
            let c = if p < 10 { "역사" } else { "법률" };
            rows.push(row(&format!("p{p:02}"), c, "a"));
            rows.push(row(&format!("p{p:02}"), c, "b"));
        }
        // No weights: every prompt alike (법률 has two thirds of them).
        let plain = Index::build(1, rows.clone(), vec![], vec![]);
        assert_eq!(plain.weighted_category(), Some(None));
        // 역사 weighs 4: 10 × 4 against 20 × 1, so two thirds of the battles.
        let weighed = Index::build(1, rows.clone(), vec![], vec![("역사".into(), 4.0)]);
        let history = (0..3000)
            .filter(|_| weighed.weighted_category() == Some(Some("역사")))
            .count();
        assert!((1850..2150).contains(&history), "{history}");
        // Weight 0: never drawn unless asked for; all 0: nothing to draw.
        let off = Index::build(1, rows.clone(), vec![], vec![("역사".into(), 0.0)]);
        assert!((0..500).all(|_| off.weighted_category() == Some(Some("법률"))));
        assert!(off.pick(Some("역사")).is_some());
        let none = Index::build(
            1,
            rows,
            vec![],
            vec![("역사".into(), 0.0), ("법률".into(), 0.0)],
        );
        assert_eq!(none.weighted_category(), None);
    }

    #[test]
    fn a_plan_draws_its_pairs_from_prompts_both_answered() {
        let index = Index::build(
            1,
            vec![
                row("p1", "역사", "a"),
                row("p1", "역사", "b"),
                row("p2", "법률", "a"),
                row("p2", "법률", "c"),
                row("p3", "법률", "b"),
                row("p3", "법률", "c"),
                row("p3", "법률", "a"),
            ],
            vec![],
            vec![],
        );
        let models = ["a", "b", "c", "paused"].map(String::from).to_vec();
        // Pairs in order: ab, ac, a-paused, bc, b-paused, c-paused.
        let only = |k: usize| {
            PairPlan::new(
                models.clone(),
                (0..6).map(|i| if i == k { 1.0 } else { 0.0 }).collect(),
            )
        };
        let mut sides = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let (p, x, y) = index.pick_planned(&only(0), None).unwrap();
            assert!(p == "p1" || p == "p3", "{p}");
            sides.insert((x, y));
            // Within a category, only the shared prompt there.
            let (p, _, _) = index.pick_planned(&only(0), Some("법률")).unwrap();
            assert_eq!(p, "p3");
            let (p, x, y) = index.pick_planned(&only(3), Some("법률")).unwrap();
            assert_eq!(p, "p3");
            assert!(
                [x.as_str(), y.as_str()].contains(&"b") && [x.as_str(), y.as_str()].contains(&"c")
            );
        }
        assert_eq!(sides.len(), 2, "both sides: {sides:?}");
        // A pair that cannot be drawn (a paused model, no shared prompt in the category) gives
        // way: the caller then draws uniformly.
        assert!(index.pick_planned(&only(2), None).is_none());
        assert!(index.pick_planned(&only(0), Some("없음")).is_none());
        // A new model with three prompts among an old one's two hundred: its pair is found
        // every time (its few prompts are all looked at).
        let mut rows = Vec::new();
        for p in 0..200 {
            rows.push(row(&format!("q{p:03}"), "생활", "old"));
            rows.push(row(&format!("q{p:03}"), "생활", "other"));
            if p % 70 == 0 {
                rows.push(row(&format!("q{p:03}"), "생활", "new"));
            }
        }
        let big = Index::build(2, rows, vec![], vec![]);
        let plan = PairPlan::new(
            vec!["new".into(), "old".into(), "other".into()],
            vec![1.0, 0.0, 0.0],
        );
        for _ in 0..200 {
            let (p, x, y) = big.pick_planned(&plan, Some("생활")).unwrap();
            assert!(["q000", "q070", "q140"].contains(&p.as_str()), "{p}");
            assert!([x.as_str(), y.as_str()].contains(&"new"));
        }
        // A model the plan does not know (imported since): uniform until the next plan.
        let old = PairPlan::new(vec!["a".into(), "b".into()], vec![1.0]);
        assert!(index.pick_planned(&old, None).is_none());
    }
}
