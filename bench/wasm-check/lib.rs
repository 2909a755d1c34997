//! Digests of rating tables computed inside WebAssembly, for `run.mjs` to compare with the
//! digests pinned in `crates/arena-core/tests/rating_golden.rs` (computed natively). The cases
//! themselves live once, in `arena_core::rating::golden`.

use arena_core::rating::golden;

/// `rating_golden::simulated_counts`.
#[unsafe(no_mangle)]
pub extern "C" fn simulated_counts() -> u64 {
    golden::simulated_counts()
}

/// `rating_golden::sandwich_reweighted`.
#[unsafe(no_mangle)]
pub extern "C" fn sandwich_reweighted() -> u64 {
    golden::sandwich_reweighted()
}

/// `rating_golden::style_controlled`.
#[unsafe(no_mangle)]
pub extern "C" fn style_controlled() -> u64 {
    golden::style_controlled()
}

/// The benchmark's size, as the browser would run it: 1,000,000 battles among 100 models
/// (simulated here, so not timed by the caller separately), 1000 bootstrap rounds.
#[unsafe(no_mangle)]
pub extern "C" fn benchmark_table() -> u64 {
    golden::benchmark_table()
}
