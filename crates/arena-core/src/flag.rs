//! Why a stored vote does not count: every flag the arena sets, once.
//!
//! The arena deletes no vote. A vote that does not count is kept with its flags, and left out
//! of the tables. Two kinds: **rules** about the sender's own conduct, decided when the vote
//! arrives (too fast, another voter's battle, beyond a daily cap), and **judgements** of the
//! abuse audit, made later over many votes, which an operator may review and overturn. Here is
//! each flag's code (as stored and published), its kind, and its words in Korean and English
//! for the public leaderboard and the operators' page.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Sooner after the battle was drawn than anyone could read the two answers.
    TooFast,
    /// Cast by another voter than the one the battle was drawn for (or by none).
    VoterMismatch,
    /// The voter's counted votes of the last 24 hours reached the cap.
    VoterDailyCap,
    /// The counted votes of the address's network in the last 24 hours reached the cap.
    AddressDailyCap,
    /// The voter favours (or disfavours) one model far beyond what the ratings predict.
    OneSided,
    /// Voters linked by a shared address together favour (or disfavour) one model far beyond
    /// the ratings.
    Campaign,
    /// One address brought more new voters in an hour than a school class would.
    NewVoterBurst,
    /// Among the voters who arrived (or voted) together, a model wins far more often than the
    /// rest of the table predicts.
    ModelCampaign,
    /// The voter's counted votes in the evaluation round reached its votes-per-person cap.
    RoundCap,
}

impl Flag {
    pub const ALL: [Flag; 9] = [
        Flag::TooFast,
        Flag::VoterMismatch,
        Flag::VoterDailyCap,
        Flag::AddressDailyCap,
        Flag::OneSided,
        Flag::Campaign,
        Flag::NewVoterBurst,
        Flag::ModelCampaign,
        Flag::RoundCap,
    ];

    /// The audit's judgements, which an operator may review.
    pub const REVIEWABLE: [Flag; 4] = [
        Flag::OneSided,
        Flag::Campaign,
        Flag::NewVoterBurst,
        Flag::ModelCampaign,
    ];

    /// The code stored with a vote and published with the excluded counts.
    pub const fn code(self) -> &'static str {
        match self {
            Flag::TooFast => "too_fast",
            Flag::VoterMismatch => "voter_mismatch",
            Flag::VoterDailyCap => "voter_daily_cap",
            Flag::AddressDailyCap => "address_daily_cap",
            Flag::OneSided => "one_sided",
            Flag::Campaign => "campaign",
            Flag::NewVoterBurst => "new_voter_burst",
            Flag::ModelCampaign => "model_campaign",
            Flag::RoundCap => "round_cap",
        }
    }

    /// The flag's bit in a stored [`Flags`] set. Fixed for ever (stored votes hold it): a new
    /// flag takes the next free bit. The open arena's rules have the low bits, so a vote's first
    /// flag (the one its exclusion is counted under) is the rule it broke when it has one
    /// (`round_cap` came later, but a round's votes are never audited nor in those counts).
    pub const fn bit(self) -> i64 {
        match self {
            Flag::TooFast => 1,
            Flag::VoterMismatch => 1 << 1,
            Flag::VoterDailyCap => 1 << 2,
            Flag::AddressDailyCap => 1 << 3,
            Flag::OneSided => 1 << 4,
            Flag::Campaign => 1 << 5,
            Flag::NewVoterBurst => 1 << 6,
            Flag::ModelCampaign => 1 << 7,
            Flag::RoundCap => 1 << 8,
        }
    }

    /// The flag whose bit is `bit`, if any.
    pub fn from_bit(bit: i64) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.bit() == bit)
    }

    /// A judgement of the audit (an operator may count the votes after all), not a rule.
    pub const fn reviewable(self) -> bool {
        matches!(
            self,
            Flag::OneSided | Flag::Campaign | Flag::NewVoterBurst | Flag::ModelCampaign
        )
    }

    /// What the public leaderboard and the operators' page call it: (Korean, English).
    pub const fn label(self) -> (&'static str, &'static str) {
        match self {
            Flag::TooFast => (
                "너무 빨리 투표됨(읽는 시간 미달)",
                "Voted too fast (before the reading time)",
            ),
            Flag::VoterMismatch => (
                "다른 투표자에게 배정된 대결",
                "Battle drawn for another voter",
            ),
            Flag::VoterDailyCap => ("투표자 하루 한도 초과", "Over the voter's daily limit"),
            Flag::AddressDailyCap => (
                "같은 네트워크의 하루 한도 초과",
                "Over the daily limit for one network",
            ),
            Flag::OneSided => (
                "한 모델에 치우친 투표",
                "Votes leaning heavily to one model",
            ),
            Flag::Campaign => (
                "같은 주소 투표자들의 집단 몰아주기",
                "Coordinated push by voters sharing an address",
            ),
            Flag::NewVoterBurst => (
                "한 네트워크에서 새 투표자 급증",
                "Sudden rise in new voters on one network",
            ),
            Flag::ModelCampaign => (
                "함께 온 투표자들 사이에서 한 모델만 유독 이김(검토 대기)",
                "One model winning far beyond the table among voters who came together (held for review)",
            ),
            Flag::RoundCap => (
                "평가 라운드의 1인 투표 한도 초과",
                "Over the round's votes-per-person limit",
            ),
        }
    }

    /// What it means, for an operator deciding on it: (Korean, English).
    pub const fn meaning(self) -> (&'static str, &'static str) {
        match self {
            Flag::TooFast => (
                "대결을 받은 뒤 두 답변을 읽을 수 있는 시간보다 먼저 투표함",
                "voted sooner after the battle was drawn than anyone could read both answers",
            ),
            Flag::VoterMismatch => (
                "대결이 배정된 투표자가 아닌 다른 투표자(또는 투표자 없음)가 투표함",
                "cast by another voter than the one the battle was drawn for, or by none",
            ),
            Flag::VoterDailyCap => (
                "이 투표자의 지난 24시간 집계 투표가 한도에 이름",
                "this voter's counted votes of the last 24 hours reached the cap",
            ),
            Flag::AddressDailyCap => (
                "이 주소가 속한 네트워크의 지난 24시간 집계 투표가 한도에 이름",
                "the counted votes of this address's network in the last 24 hours reached the cap",
            ),
            Flag::OneSided => (
                "한 모델을 순위로 예상되는 것보다 훨씬 자주 고르거나 피함",
                "chose (or avoided) one model far more often than the ratings predict",
            ),
            Flag::Campaign => (
                "같은 주소를 쓰는 투표자들이 함께 한 모델에 치우침",
                "voters sharing an address together favoured (or disfavoured) one model",
            ),
            Flag::NewVoterBurst => (
                "한 주소에서 한 시간에 새 투표자가 지나치게 많음",
                "one address brought too many new voters in an hour",
            ),
            Flag::ModelCampaign => (
                "같은 시간에 처음 왔거나 함께 투표한 투표자들 사이에서 한 모델의 승률이 나머지 투표로 예상되는 것과 크게 다름 (그 모델을 가장 세게 밀어준 투표자들의, 그 모델이 나온 투표를 보류)",
                "among voters who arrived or voted in the same period, one model won far beyond what the other votes predict (the votes with the model of the voters who pushed it hardest are held)",
            ),
            Flag::RoundCap => (
                "이 투표자가 평가 라운드에서 집계된 투표가 라운드의 1인 한도에 이름",
                "this voter's counted votes in the evaluation round reached the round's cap per person",
            ),
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The flags of one stored vote: a bit set (see [`Flag::bit`]), empty when the vote counts.
///
/// Stored as an integer, so "votes with flag X" is `flags & X <> 0` and "counted votes" is
/// `flags = 0`; shown as the codes joined by commas, in the order of [`Flag::ALL`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(i64);

impl Flags {
    pub const EMPTY: Flags = Flags(0);

    /// Every reviewable flag (what an operator's review lists).
    pub const REVIEWABLE: Flags = Flags(
        Flag::OneSided.bit()
            | Flag::Campaign.bit()
            | Flag::NewVoterBurst.bit()
            | Flag::ModelCampaign.bit(),
    );

    /// The set stored as `bits`. Bits of no known flag are kept (a newer server's flags read
    /// by an older one still make the vote not count) but not listed.
    pub const fn from_bits(bits: i64) -> Flags {
        Flags(bits)
    }

    /// As stored.
    pub const fn bits(self) -> i64 {
        self.0
    }

    /// No flag: the vote counts.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub const fn contains(self, flag: Flag) -> bool {
        self.0 & flag.bit() != 0
    }

    pub fn insert(&mut self, flag: Flag) {
        self.0 |= flag.bit();
    }

    pub const fn with(self, flag: Flag) -> Flags {
        Flags(self.0 | flag.bit())
    }

    /// Whether every flag in the set is also in `other`.
    pub const fn is_subset(self, other: Flags) -> bool {
        self.0 & !other.0 == 0
    }

    /// The known flags in the set, in the order of [`Flag::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Flag> {
        Flag::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    /// The flag an excluded vote is counted under: the first of [`Flag::ALL`] it has.
    pub fn first(self) -> Option<Flag> {
        self.iter().next()
    }

    /// The codes, in the order of [`Flag::ALL`].
    pub fn codes(self) -> Vec<String> {
        self.iter().map(|f| f.code().to_owned()).collect()
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;

    fn bitor(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

impl From<Flag> for Flags {
    fn from(flag: Flag) -> Flags {
        Flags(flag.bit())
    }
}

impl FromIterator<Flag> for Flags {
    fn from_iter<I: IntoIterator<Item = Flag>>(flags: I) -> Flags {
        flags.into_iter().fold(Flags::EMPTY, Flags::with)
    }
}

impl Extend<Flag> for Flags {
    fn extend<I: IntoIterator<Item = Flag>>(&mut self, flags: I) {
        for flag in flags {
            self.insert(flag);
        }
    }
}

/// The codes joined by commas (`""` when the vote counts).
impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, flag) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(flag.code())?;
        }
        Ok(())
    }
}

/// Codes joined by commas, as [`Flags`] shows them.
impl FromStr for Flags {
    type Err = UnknownFlag;

    fn from_str(codes: &str) -> Result<Flags, UnknownFlag> {
        codes
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::parse::<Flag>)
            .collect()
    }
}

/// A code that is not one of [`Flag::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFlag(pub String);

impl fmt::Display for UnknownFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown vote flag {:?}", self.0)
    }
}

impl std::error::Error for UnknownFlag {}

impl FromStr for Flag {
    type Err = UnknownFlag;

    fn from_str(code: &str) -> Result<Flag, UnknownFlag> {
        Flag::ALL
            .into_iter()
            .find(|f| f.code() == code)
            .ok_or_else(|| UnknownFlag(code.to_owned()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_reads_back_from_its_code_and_its_json() {
        for flag in Flag::ALL {
            assert_eq!(flag.code().parse::<Flag>().unwrap(), flag);
            assert_eq!(
                serde_json::to_string(&flag).unwrap(),
                format!("\"{}\"", flag.code())
            );
            assert_eq!(flag.to_string(), flag.code());
        }
        assert!("".parse::<Flag>().is_err());
        assert!("Too_Fast".parse::<Flag>().is_err());
    }

    #[test]
    fn the_reviewable_list_is_exactly_the_reviewable_flags() {
        let reviewable: Vec<Flag> = Flag::ALL.into_iter().filter(|f| f.reviewable()).collect();
        assert_eq!(reviewable, Flag::REVIEWABLE);
    }

    #[test]
    fn every_flag_has_its_own_bit_and_the_rules_come_first() {
        let mut seen = 0;
        for (i, flag) in Flag::ALL.into_iter().enumerate() {
            assert_eq!(flag.bit(), 1 << i, "{flag}: bits follow Flag::ALL");
            assert_eq!(seen & flag.bit(), 0);
            seen |= flag.bit();
        }
        let reviewable: Flags = Flag::REVIEWABLE.into_iter().collect();
        assert_eq!(reviewable, Flags::REVIEWABLE);
        // Among the open arena's flags (a round's votes are never audited, so `round_cap`
        // never meets a judgement), the rules come first.
        let open_arena: Vec<Flag> = Flag::ALL
            .into_iter()
            .filter(|f| *f != Flag::RoundCap)
            .collect();
        let first_judgement = open_arena.iter().position(|f| f.reviewable()).unwrap();
        assert!(open_arena[first_judgement..].iter().all(|f| f.reviewable()));
    }

    #[test]
    fn a_set_of_flags_shows_and_reads_back_as_codes() {
        let set = Flags::from(Flag::ModelCampaign).with(Flag::TooFast);
        assert_eq!(set.to_string(), "too_fast,model_campaign");
        assert_eq!(set.first(), Some(Flag::TooFast));
        assert_eq!("model_campaign,too_fast".parse::<Flags>().unwrap(), set);
        assert_eq!("".parse::<Flags>().unwrap(), Flags::EMPTY);
        assert!("too_fast,nope".parse::<Flags>().is_err());
        assert!(Flags::EMPTY.is_empty() && Flags::EMPTY.first().is_none());
        assert!(Flags::from(Flag::Campaign).is_subset(Flags::REVIEWABLE));
        assert!(!set.is_subset(Flags::REVIEWABLE));
        // A bit of a flag this build does not know still makes the vote not count.
        let newer = Flags::from_bits(1 << 40);
        assert!(!newer.is_empty() && newer.codes().is_empty());
    }

    #[test]
    fn every_flag_has_words_in_both_languages() {
        for flag in Flag::ALL {
            for (ko, en) in [flag.label(), flag.meaning()] {
                assert!(
                    ko.chars().any(|c| ('가'..='힣').contains(&c)),
                    "{flag}: {ko}"
                );
                assert!(en.is_ascii() && !en.is_empty(), "{flag}: {en}");
            }
        }
    }
}
