//! Operator commands beyond `serve` and `import`, one file each.

pub mod leaderboard;
