//! One file per page.

pub mod about;
pub mod admin;
pub mod battle;
pub mod embed;
pub mod join;
pub mod leaderboard;
pub mod live;
pub mod privacy;
pub mod webmasters;
