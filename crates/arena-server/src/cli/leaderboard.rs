//! `arena-server leaderboard`: the leaderboard of a Chatbot-Arena battle file, computed by the
//! same engine the server and the browser use, printed as JSON.
//!
//! For operators and reviewers who want to check the maths on public data (the ko-arena-hard
//! battles, the public arena's dumps) without running the server. Reading and validating the
//! file is here; everything else is `arena_core::rating`.

use std::path::PathBuf;

use anyhow::{Context, bail};
use arena_core::rating::records::{BattleRecord, aggregate, categories, parse_battle_records};
use arena_core::rating::style::{StyleCoefficients, StyledBattle, compute_style_controlled};
use arena_core::rating::{
    DEFAULT_BOOTSTRAP_ROUNDS, DEFAULT_MIN_VOTES, DEFAULT_SEED, RatingOptions, RatingTable, compute,
};
use serde::Serialize;

#[derive(clap::Args, Debug)]
pub struct LeaderboardArgs {
    /// Battle records, one JSON object per line (`model_a`, `model_b`, `winner`, optional
    /// `category` and `conv_metadata`); `-` reads standard input.
    #[arg(long, value_name = "FILE.jsonl")]
    pub battles: PathBuf,
    /// Bootstrap rounds for the 95% intervals.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BOOTSTRAP_ROUNDS)]
    pub bootstrap: usize,
    /// Seed of the bootstrap, for reproducible intervals.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Pin one model's rating instead of centring the mean on 1000, e.g. `gpt-4-0314=1000`.
    #[arg(long, value_name = "MODEL=RATING", value_parser = parse_anchor)]
    pub anchor: Option<(String, f64)>,
    /// Use only the battles of this category.
    #[arg(long, value_name = "C")]
    pub category: Option<String>,
    /// Take out the effect of answer length and Markdown style (needs `conv_metadata`).
    #[arg(long)]
    pub style_control: bool,
    /// Models with fewer votes are marked provisional.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_VOTES)]
    pub min_votes: u64,
    /// How the 95% intervals are computed: `bootstrap` (percentiles of refits) or `sandwich`
    /// (robust standard errors, the public arena's current default).
    #[arg(long, value_name = "METHOD", default_value = "bootstrap", value_parser = ["bootstrap", "sandwich"])]
    pub intervals: String,
    /// Pair reweighting: each pair's battles weigh alike however often it was drawn.
    #[arg(long)]
    pub reweight: bool,
    /// Add the one-virtual-draw prior to every fit, not only where the plain maximum-likelihood
    /// answer does not exist (tables before 2026-12-03).
    #[arg(long)]
    pub always_prior: bool,
}

fn parse_anchor(text: &str) -> Result<(String, f64), String> {
    let (model, rating) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("expected MODEL=RATING, got {text:?}"))?;
    let rating: f64 = rating
        .trim()
        .parse()
        .map_err(|_| format!("the rating in {text:?} is not a number"))?;
    if model.trim().is_empty() || !rating.is_finite() {
        return Err(format!(
            "expected MODEL=RATING with a finite rating, got {text:?}"
        ));
    }
    Ok((model.trim().to_owned(), rating))
}

#[derive(Serialize)]
struct Output<'a> {
    models: Vec<Row<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    style_coefficients: Option<StyleCoefficients>,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    rating: f64,
    ci_low: f64,
    ci_high: f64,
    votes: u64,
    rank: u32,
}

/// More rounds than this would only burn memory (rounds × models ratings are kept).
const MAX_BOOTSTRAP: usize = 100_000;

pub fn run(args: &LeaderboardArgs) -> anyhow::Result<()> {
    println!("{}", leaderboard_json(args)?);
    Ok(())
}

/// The JSON `run` prints.
pub fn leaderboard_json(args: &LeaderboardArgs) -> anyhow::Result<String> {
    if args.bootstrap > MAX_BOOTSTRAP {
        bail!(
            "--bootstrap {} is more than {MAX_BOOTSTRAP} rounds",
            args.bootstrap
        );
    }
    let text = if args.battles.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading battles from standard input")?
    } else {
        std::fs::read_to_string(&args.battles)
            .with_context(|| format!("reading {}", args.battles.display()))?
    };
    let name = args.battles.display();
    let records = parse_battle_records(&text).with_context(|| format!("in {name}"))?;
    let selected: Vec<&BattleRecord> = records
        .iter()
        .filter(|r| args.category.is_none() || r.category == args.category)
        .collect();
    if selected.is_empty() {
        match &args.category {
            Some(c) => match categories(&records) {
                known if known.is_empty() => {
                    bail!("no battles in category {c:?}: {name} has no categories")
                }
                known => bail!(
                    "no battles in category {c:?}; {name} has: {}",
                    known.join(", ")
                ),
            },
            None => bail!("{name} holds no battles"),
        }
    }
    if let Some((model, _)) = &args.anchor
        && !selected
            .iter()
            .any(|r| &r.model_a == model || &r.model_b == model)
    {
        bail!("anchor model {model:?} has no battles in {name}");
    }
    let opts = RatingOptions {
        bootstrap_rounds: args.bootstrap,
        seed: args.seed,
        anchor: args.anchor.clone(),
        min_votes: args.min_votes,
        intervals: arena_core::rating::IntervalMethod::from_code(&args.intervals)
            .unwrap_or_default(),
        reweight: args.reweight,
        prior: if args.always_prior {
            arena_core::rating::PriorRule::Always
        } else {
            arena_core::rating::PriorRule::WhereNeeded
        },
    };

    let (table, style_coefficients) = if args.style_control {
        let mut battles = Vec::with_capacity(selected.len());
        for record in &selected {
            let Some(battle) = StyledBattle::from_record(record) else {
                bail!(
                    "{name} line {}: style control needs `conv_metadata` on every battle",
                    record.line
                );
            };
            battles.push(battle);
        }
        let controlled = compute_style_controlled(&battles, &opts);
        (controlled.table, Some(controlled.coefficients))
    } else {
        let counts = aggregate(&records, args.category.as_deref());
        (compute(&counts, &opts), None)
    };
    Ok(serde_json::to_string_pretty(&output(
        &table,
        style_coefficients,
    ))?)
}

fn output(table: &RatingTable, style_coefficients: Option<StyleCoefficients>) -> Output<'_> {
    Output {
        models: table
            .models
            .iter()
            .map(|m| Row {
                id: &m.id,
                rating: m.rating,
                ci_low: m.ci_low,
                ci_high: m.ci_high,
                votes: m.votes,
                rank: m.rank,
            })
            .collect(),
        style_coefficients,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn args(battles: PathBuf) -> LeaderboardArgs {
        LeaderboardArgs {
            battles,
            bootstrap: 50,
            seed: 1,
            anchor: None,
            category: None,
            style_control: false,
            min_votes: DEFAULT_MIN_VOTES,
            intervals: "bootstrap".into(),
            reweight: false,
            always_prior: false,
        }
    }

    fn file(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        file
    }

    #[test]
    fn prints_the_issues_json_highest_first() {
        let lines: String = (0..40)
            .map(|i| {
                let winner = if i % 4 == 0 { "model_b" } else { "model_a" };
                format!("{{\"model_a\": \"strong\", \"model_b\": \"weak\", \"winner\": \"{winner}\", \"category\": \"code\"}}\n")
            })
            .collect();
        let input = file(&lines);
        let json: serde_json::Value =
            serde_json::from_str(&leaderboard_json(&args(input.path().into())).unwrap()).unwrap();
        let models = json["models"].as_array().unwrap();
        assert_eq!(models.len(), 2);
        assert_eq!(models[0]["id"], "strong");
        // (serde_json's map sorts its keys.)
        let keys: Vec<&str> = models[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["ci_high", "ci_low", "id", "rank", "rating", "votes"]);
        assert_eq!(models[1]["votes"], 40);

        let mut anchored = args(input.path().into());
        anchored.anchor = Some(("weak".into(), 1500.0));
        let json: serde_json::Value =
            serde_json::from_str(&leaderboard_json(&anchored).unwrap()).unwrap();
        assert_eq!(json["models"][1]["rating"], 1500.0);
    }

    #[test]
    fn explains_what_is_wrong() {
        let input = file(
            "{\"model_a\": \"a\", \"model_b\": \"b\", \"winner\": \"tie\"}\n{\"model_a\": \"a\"}\n",
        );
        let err = leaderboard_json(&args(input.path().into())).unwrap_err();
        assert!(
            format!("{err:#}").contains("line 2: missing `model_b`"),
            "{err:#}"
        );

        let good = file("{\"model_a\": \"a\", \"model_b\": \"b\", \"winner\": \"tie\"}\n");
        let mut wrong_category = args(good.path().into());
        wrong_category.category = Some("math".into());
        let err = leaderboard_json(&wrong_category).unwrap_err();
        assert!(err.to_string().contains("no categories"), "{err}");

        let mut styled = args(good.path().into());
        styled.style_control = true;
        let err = leaderboard_json(&styled).unwrap_err();
        assert!(
            err.to_string().contains("line 1: style control needs"),
            "{err}"
        );

        let mut unknown = args(good.path().into());
        unknown.anchor = Some(("c".into(), 1000.0));
        assert!(leaderboard_json(&unknown).is_err());
    }

    #[test]
    fn anchors_are_model_equals_rating() {
        assert_eq!(parse_anchor("gpt-4=1000"), Ok(("gpt-4".into(), 1000.0)));
        assert_eq!(parse_anchor("a=b=1114.5"), Ok(("a=b".into(), 1114.5)));
        assert!(parse_anchor("gpt-4").is_err());
        assert!(parse_anchor("gpt-4=high").is_err());
        assert!(parse_anchor("=1000").is_err());
        assert!(parse_anchor("x=inf").is_err());
    }
}
