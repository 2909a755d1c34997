//! Placeholder: `arena-server leaderboard` lands with the rating engine.

#[derive(clap::Args, Debug)]
pub struct LeaderboardArgs {}

pub fn run(_args: &LeaderboardArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
