//! The rating engine's benchmark (`make bench` runs it through `scripts/bench.sh`).
//!
//! Times, apart: parsing a Chatbot-Arena JSONL file, aggregating it into counts, the fit, and
//! the bootstrap rounds — for synthetic battles among models of known strength (seeded, so
//! every run sees the same data) and, when present, the ko-arena-hard battles. It also writes
//! the counts as JSON so the scipy reference (`bench/reference_bt.py`) fits exactly the same
//! data. Run with `--help` for the flags.

use std::fmt::Write as _;
use std::time::Instant;

use arena_core::rating::records::{aggregate, parse_battle_records};
use arena_core::rating::{BattleCounts, RatingOptions, RatingTable, compute, simulate};

struct Args {
    battles: usize,
    models: usize,
    rounds: usize,
    seed: u64,
    repeat: usize,
    ko_arena_hard: Option<String>,
    out_dir: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        battles: 1_000_000,
        models: 100,
        rounds: 1000,
        seed: 42,
        repeat: 3,
        ko_arena_hard: None,
        out_dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--battles" => args.battles = number(value()?)?,
            "--models" => args.models = number(value()?)?,
            "--rounds" => args.rounds = number(value()?)?,
            "--seed" => args.seed = number(value()?)? as u64,
            "--repeat" => args.repeat = number(value()?)?.max(1),
            "--ko-arena-hard" => args.ko_arena_hard = Some(value()?),
            "--out" => args.out_dir = Some(value()?),
            _ => {
                return Err(format!(
                    "unknown flag {flag}\nusage: rating_bench [--battles N] [--models M] [--rounds R] \
                     [--seed S] [--repeat K] [--ko-arena-hard FILE.jsonl] [--out DIR]"
                ));
            }
        }
    }
    Ok(args)
}

/// Best of `repeat` runs, in seconds: the least disturbed by whatever else the machine does.
fn best_of<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let started = Instant::now();
    let mut result = f();
    let mut best = started.elapsed().as_secs_f64();
    for _ in 1..repeat {
        let started = Instant::now();
        result = f();
        best = best.min(started.elapsed().as_secs_f64());
    }
    (best, result)
}

fn synthetic_jsonl(args: &Args) -> String {
    // Strengths spread evenly over 600 points, 8% ties: roughly a live arena's shape.
    let ratings: Vec<f64> = (0..args.models)
        .map(|i| 700.0 + 600.0 * i as f64 / args.models.max(2) as f64)
        .collect();
    let battles = simulate::battles(&ratings, args.battles, 0.08, args.seed);
    let mut text = String::with_capacity(args.battles * 80);
    for b in battles {
        let winner = match b.choice {
            arena_core::Choice::A => "model_a",
            arena_core::Choice::B => "model_b",
            arena_core::Choice::Tie => "tie",
            arena_core::Choice::BothBad => "tie (bothbad)",
        };
        let _ = writeln!(
            text,
            r#"{{"model_a": "model-{:03}", "model_b": "model-{:03}", "winner": "{winner}", "category": "synthetic"}}"#,
            b.model_a, b.model_b
        );
    }
    text
}

/// Times every stage on one JSONL text and prints a block of `BENCH name.stage seconds` lines.
fn run(name: &str, text: &str, args: &Args) -> Result<(BattleCounts, RatingTable), String> {
    let (parse, records) = best_of(args.repeat, || parse_battle_records(text));
    let records = records.map_err(|e| e.to_string())?;
    let (aggregate_s, counts) = best_of(args.repeat, || aggregate(&records, None));
    let fit_only = RatingOptions {
        bootstrap_rounds: 0,
        ..RatingOptions::default()
    };
    let (fit, _) = best_of(args.repeat, || compute(&counts, &fit_only));
    let full = RatingOptions {
        bootstrap_rounds: args.rounds,
        ..RatingOptions::default()
    };
    let (total, table) = best_of(args.repeat, || compute(&counts, &full));
    println!(
        "{name}: {} battles, {} models, {} count rows, {} bootstrap rounds",
        records.len(),
        table.models.len(),
        counts.rows.len(),
        args.rounds
    );
    for (stage, seconds) in [
        ("parse", parse),
        ("aggregate", aggregate_s),
        ("fit", fit),
        ("bootstrap", (total - fit).max(0.0)),
        ("fit_plus_bootstrap", total),
    ] {
        println!("BENCH {name}.{stage} {seconds:.4}");
    }
    Ok((counts, table))
}

fn write_json(dir: &str, file: &str, value: &impl serde::Serialize) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{dir}: {e}"))?;
    let path = format!("{dir}/{file}");
    let json = serde_json::to_string(value).map_err(|e| e.to_string())?;
    std::fs::write(&path, json).map_err(|e| format!("{path}: {e}"))
}

fn main() {
    if let Err(message) = try_main() {
        eprintln!("rating_bench: {message}");
        std::process::exit(2);
    }
}

fn try_main() -> Result<(), String> {
    let args = parse_args()?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "rating_bench: best of {} runs, {threads} threads",
        args.repeat
    );

    let text = synthetic_jsonl(&args);
    let (counts, table) = run("synthetic", &text, &args)?;
    drop(text);
    if let Some(dir) = &args.out_dir {
        write_json(dir, "synthetic_counts.json", &counts)?;
        write_json(dir, "synthetic_table.json", &table)?;
    }

    match &args.ko_arena_hard {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => {
                let (counts, table) = run("ko_arena_hard", &text, &args)?;
                if let Some(dir) = &args.out_dir {
                    write_json(dir, "ko_arena_hard_counts.json", &counts)?;
                    write_json(dir, "ko_arena_hard_table.json", &table)?;
                }
            }
            Err(e) => println!("ko_arena_hard: skipped ({path}: {e})"),
        },
        None => println!("ko_arena_hard: skipped (no --ko-arena-hard FILE)"),
    }
    Ok(())
}
