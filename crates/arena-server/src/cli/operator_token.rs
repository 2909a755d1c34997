//! `arena-server operator-token`: a new operator token and the entry that admits it.

#[derive(clap::Args, Debug)]
pub struct OperatorTokenArgs {
    /// Who will hold the token (shown beside their changes in the audit log).
    #[arg(long)]
    pub label: String,
}

pub fn run(args: &OperatorTokenArgs) -> anyhow::Result<()> {
    let entry_check: Result<crate::operator::OperatorTokens, String> =
        format!("{}:{}", args.label, "0".repeat(64)).parse();
    entry_check.map_err(anyhow::Error::msg)?;
    let (token, entry) = crate::operator::OperatorTokens::generate(args.label.trim());
    println!(
        "token (give it to {}; it is shown once): {token}",
        args.label.trim()
    );
    println!("add to ARENA_OPERATOR_TOKEN_SHA256: {entry}");
    Ok(())
}
