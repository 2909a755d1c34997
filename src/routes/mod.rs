//! One file per page.

pub mod about;
pub mod battle;
pub mod leaderboard;
pub mod privacy;
