use arena_core::rating::*;
fn main() {
    let m = 100;
    let truth: Vec<f64> = (0..m).map(|i| 700.0 + 6.0 * i as f64).collect();
    let names: Vec<String> = (0..m).map(|i| format!("model-{i:03}")).collect();
    let t = std::time::Instant::now();
    let b = simulate::battles(&truth, 1_000_000, 0.1, 1);
    let c = simulate::counts(&b, &names);
    eprintln!("sim {:?} rows {}", t.elapsed(), c.rows.len());
    let t = std::time::Instant::now();
    let table0 = compute(
        &c,
        &RatingOptions {
            bootstrap_rounds: 0,
            ..Default::default()
        },
    );
    eprintln!("fit {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let table = compute(&c, &RatingOptions::default());
    eprintln!("fit+boot {:?}", t.elapsed());
    for r in table.models.iter().take(5) {
        eprintln!("{r:?}");
    }
    assert_eq!(table0.models.len(), 100);
}
#[allow(dead_code)]
fn dbg_counts() {}
