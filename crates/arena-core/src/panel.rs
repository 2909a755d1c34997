//! The invited citizens' panel of an evaluation round: invitation codes a person can type, and
//! the coarse, optional profile a panelist gives when joining.
//!
//! **Codes.** 128 random bits, written in Crockford's base 32 (digits and capitals without I, L,
//! O and U, so nothing reads as something else) as 26 characters, plus 2 check characters, in
//! groups of four: `7KQ2-M9XD-…`. Reading forgives what people do when typing or scanning: case,
//! spaces and dashes are ignored, `O` is read as `0` and `I`/`L` as `1`. The check characters
//! catch a mistyped or swapped character before anything is asked of the server.
//!
//! **Profile.** Age band, sex, 시도 and how often the person uses AI — each optional, each with
//! "prefer not to say" (`None`). No name, e-mail, phone or address is ever asked.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Random bytes in a code.
pub const CODE_BYTES: usize = 16;
/// Characters of a code without its dashes: 26 for the 128 bits, 2 to check them.
pub const CODE_CHARS: usize = 28;
/// Most codes one batch makes.
pub const MAX_BATCH: u32 = 5_000;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Why a typed code cannot be one of ours (before the server is asked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// Too short or too long.
    Length,
    /// A character that is not in a code.
    Character,
    /// A character was mistyped (the check characters do not match).
    Check,
}

impl CodeProblem {
    /// What to tell the person: (Korean, English).
    pub const fn message(self) -> (&'static str, &'static str) {
        match self {
            CodeProblem::Length => (
                "초대 코드는 28자(4자씩 7묶음)입니다. 빠진 글자가 없는지 확인해 주세요.",
                "An invitation code has 28 characters (7 groups of 4). Check that none is missing.",
            ),
            CodeProblem::Character => (
                "초대 코드에는 숫자와 영문 대문자만 있습니다. 다른 글자가 섞이지 않았는지 확인해 주세요.",
                "An invitation code has only digits and capital letters. Check for other characters.",
            ),
            CodeProblem::Check => (
                "초대 코드의 글자가 하나 이상 틀렸습니다. 카드와 한 글자씩 비교해 주세요.",
                "One or more characters of the code are wrong. Compare it with the card letter by letter.",
            ),
        }
    }
}

fn check_chars(value: u128) -> [u8; 2] {
    let digest = Sha256::digest(value.to_be_bytes());
    [
        ALPHABET[usize::from(digest[0] & 31)],
        ALPHABET[usize::from(digest[1] & 31)],
    ]
}

/// The code of 16 random bytes, in groups of four.
pub fn format_code(bytes: &[u8; CODE_BYTES]) -> String {
    let value = u128::from_be_bytes(*bytes);
    let mut chars = Vec::with_capacity(CODE_CHARS);
    for i in (0..26).rev() {
        chars.push(ALPHABET[((value >> (5 * i)) & 31) as usize]);
    }
    chars.extend_from_slice(&check_chars(value));
    chars
        .chunks(4)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The 16 bytes of a typed or scanned code (see the module's notes on what it forgives).
pub fn parse_code(text: &str) -> Result<[u8; CODE_BYTES], CodeProblem> {
    let mut digits = Vec::with_capacity(CODE_CHARS);
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '–' | '—') {
            continue;
        }
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        let Some(d) = ALPHABET.iter().position(|a| char::from(*a) == c) else {
            return Err(CodeProblem::Character);
        };
        digits.push(d as u8);
        if digits.len() > CODE_CHARS {
            return Err(CodeProblem::Length);
        }
    }
    if digits.len() != CODE_CHARS {
        return Err(CodeProblem::Length);
    }
    // 26 characters hold 130 bits: the first may only use the low 3.
    if digits[0] > 7 {
        return Err(CodeProblem::Check);
    }
    let value = digits[..26]
        .iter()
        .fold(0u128, |v, d| (v << 5) | u128::from(*d));
    let check = check_chars(value);
    if [
        ALPHABET[usize::from(digits[26])],
        ALPHABET[usize::from(digits[27])],
    ] != check
    {
        return Err(CodeProblem::Check);
    }
    Ok(value.to_be_bytes())
}

/// An age band (18–29 … 70+).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "18-29")]
    From18To29,
    #[serde(rename = "30-39")]
    From30To39,
    #[serde(rename = "40-49")]
    From40To49,
    #[serde(rename = "50-59")]
    From50To59,
    #[serde(rename = "60-69")]
    From60To69,
    #[serde(rename = "70+")]
    From70,
}

impl AgeBand {
    pub const ALL: [AgeBand; 6] = [
        AgeBand::From18To29,
        AgeBand::From30To39,
        AgeBand::From40To49,
        AgeBand::From50To59,
        AgeBand::From60To69,
        AgeBand::From70,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            AgeBand::From18To29 => "18-29",
            AgeBand::From30To39 => "30-39",
            AgeBand::From40To49 => "40-49",
            AgeBand::From50To59 => "50-59",
            AgeBand::From60To69 => "60-69",
            AgeBand::From70 => "70+",
        }
    }

    /// (Korean, English).
    pub const fn label(self) -> (&'static str, &'static str) {
        match self {
            AgeBand::From18To29 => ("18–29세", "18–29"),
            AgeBand::From30To39 => ("30대", "30–39"),
            AgeBand::From40To49 => ("40대", "40–49"),
            AgeBand::From50To59 => ("50대", "50–59"),
            AgeBand::From60To69 => ("60대", "60–69"),
            AgeBand::From70 => ("70세 이상", "70 or older"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub const ALL: [Sex; 2] = [Sex::Female, Sex::Male];

    pub const fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }

    /// (Korean, English).
    pub const fn label(self) -> (&'static str, &'static str) {
        match self {
            Sex::Female => ("여성", "Female"),
            Sex::Male => ("남성", "Male"),
        }
    }
}

/// How often the person uses AI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AiUse {
    Never,
    Sometimes,
    Often,
}

impl AiUse {
    pub const ALL: [AiUse; 3] = [AiUse::Never, AiUse::Sometimes, AiUse::Often];

    pub const fn code(self) -> &'static str {
        match self {
            AiUse::Never => "never",
            AiUse::Sometimes => "sometimes",
            AiUse::Often => "often",
        }
    }

    /// (Korean, English).
    pub const fn label(self) -> (&'static str, &'static str) {
        match self {
            AiUse::Never => ("써 본 적 없음", "Never"),
            AiUse::Sometimes => ("가끔", "Sometimes"),
            AiUse::Often => ("자주", "Often"),
        }
    }
}

/// The 17 시도: (code, Korean, English).
pub const REGIONS: [(&str, &str, &str); 17] = [
    ("seoul", "서울특별시", "Seoul"),
    ("busan", "부산광역시", "Busan"),
    ("daegu", "대구광역시", "Daegu"),
    ("incheon", "인천광역시", "Incheon"),
    ("gwangju", "광주광역시", "Gwangju"),
    ("daejeon", "대전광역시", "Daejeon"),
    ("ulsan", "울산광역시", "Ulsan"),
    ("sejong", "세종특별자치시", "Sejong"),
    ("gyeonggi", "경기도", "Gyeonggi"),
    ("gangwon", "강원특별자치도", "Gangwon"),
    ("chungbuk", "충청북도", "North Chungcheong"),
    ("chungnam", "충청남도", "South Chungcheong"),
    ("jeonbuk", "전북특별자치도", "Jeonbuk"),
    ("jeonnam", "전라남도", "South Jeolla"),
    ("gyeongbuk", "경상북도", "North Gyeongsang"),
    ("gyeongnam", "경상남도", "South Gyeongsang"),
    ("jeju", "제주특별자치도", "Jeju"),
];

/// What a panelist says of themselves; every field optional (`None`: prefer not to say).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<AgeBand>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// A code of [`REGIONS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_use: Option<AiUse>,
}

impl Profile {
    /// What is wrong with it, if anything (an unknown region).
    pub fn problem(&self) -> Option<String> {
        match &self.region {
            Some(r) if !REGIONS.iter().any(|(code, _, _)| code == r) => Some(format!(
                "region must be one of the 17 시도 codes, not {r:?}"
            )),
            _ => None,
        }
    }
}

/// `POST /api/v1/join`: a person redeems an invitation code for a round's panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    pub code: String,
    #[serde(default)]
    pub profile: Profile,
}

/// The answer to a join: the panelist's credential (kept in the browser and sent with every
/// request as `x-arena-panelist`) and the round it is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinResponse {
    pub panelist: String,
    pub round: crate::round::Round,
    /// The code had been used before, on this kind of device, and its batch lets a panelist
    /// come back: the same panelist again (their profile and votes so far as they were).
    #[serde(default)]
    pub recovered: bool,
}

/// The kind of device a code was first used on, from its browser's `User-Agent`: all a batch
/// that allows recovery remembers of it (see [`BatchRequest::recovery`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceClass {
    Phone,
    Tablet,
    Computer,
}

impl DeviceClass {
    pub fn of_user_agent(user_agent: &str) -> DeviceClass {
        let ua = user_agent.to_ascii_lowercase();
        if ua.contains("ipad")
            || ua.contains("tablet")
            || (ua.contains("android") && !ua.contains("mobile"))
        {
            DeviceClass::Tablet
        } else if ua.contains("mobi") || ua.contains("iphone") || ua.contains("android") {
            DeviceClass::Phone
        } else {
            DeviceClass::Computer
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DeviceClass::Phone => "phone",
            DeviceClass::Tablet => "tablet",
            DeviceClass::Computer => "computer",
        }
    }

    pub fn from_code(code: &str) -> Option<DeviceClass> {
        [
            DeviceClass::Phone,
            DeviceClass::Tablet,
            DeviceClass::Computer,
        ]
        .into_iter()
        .find(|d| d.code() == code)
    }

    /// Its name in a sentence, Korean and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            DeviceClass::Phone => ("휴대전화", "a phone"),
            DeviceClass::Tablet => ("태블릿", "a tablet"),
            DeviceClass::Computer => ("컴퓨터", "a computer"),
        }
    }
}

/// The header that carries a panelist's credential.
pub const PANELIST_HEADER: &str = "x-arena-panelist";

/// An operator's request for a batch of codes (`POST /api/v1/admin/rounds/{id}/invitations`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    pub count: u32,
    /// The quota cell the codes are for (a label, e.g. `서울 30대`); empty: none.
    #[serde(default)]
    pub cell: String,
    /// Whether a used code brings its panelist back (a lost credential: a cleared browser, a
    /// new phone of the same kind) when typed again on the same kind of device. Off unless the
    /// operator allows it: whoever holds the code can then vote as its panelist.
    #[serde(default)]
    pub recovery: bool,
}

impl BatchRequest {
    pub fn problem(&self) -> Option<String> {
        if self.count == 0 || self.count > MAX_BATCH {
            return Some(format!("count must be 1 to {MAX_BATCH}"));
        }
        if self.cell.chars().count() > 80 {
            return Some("cell must be at most 80 characters".into());
        }
        None
    }
}

/// A batch of codes as operators see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub id: String,
    pub round_id: String,
    pub cell: String,
    pub size: u64,
    pub redeemed: u64,
    pub revoked: u64,
    pub created_at_ms: i64,
    /// Whether its codes bring a panelist back ([`BatchRequest::recovery`]).
    #[serde(default)]
    pub recovery: bool,
    /// How many times its codes did.
    #[serde(default)]
    pub recovered: u64,
}

/// A batch with its codes (operators only; the codes in the order they were made).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCodes {
    pub batch: Batch,
    pub codes: Vec<String>,
}

impl fmt::Display for CodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message().1)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_to_its_bytes_however_it_is_typed() {
        for bytes in [[0u8; 16], [255u8; 16], *b"0123456789abcdef"] {
            let code = format_code(&bytes);
            assert_eq!(code.len(), CODE_CHARS + 6, "{code}");
            assert_eq!(code.split('-').count(), 7);
            assert_eq!(parse_code(&code), Ok(bytes));
            assert_eq!(parse_code(&code.to_lowercase()), Ok(bytes));
            assert_eq!(parse_code(&code.replace('-', " ")), Ok(bytes));
            assert_eq!(
                parse_code(&code.replace('0', "O").replace('1', "l")),
                Ok(bytes)
            );
        }
    }

    #[test]
    fn a_mistyped_code_is_caught_before_the_server_is_asked() {
        let code = format_code(b"0123456789abcdef");
        let chars: Vec<char> = code.chars().filter(|c| *c != '-').collect();
        let mut caught = 0;
        for i in 0..CODE_CHARS {
            let mut typo = chars.clone();
            typo[i] = if typo[i] == 'Z' { 'Y' } else { 'Z' };
            let typed: String = typo.into_iter().collect();
            if parse_code(&typed).is_err() {
                caught += 1;
            }
        }
        // Two check characters of 5 bits: a single typo slips through 1 time in 1,024.
        assert!(caught >= CODE_CHARS - 1, "{caught}");
        assert_eq!(parse_code("ABCD"), Err(CodeProblem::Length));
        assert_eq!(parse_code(&format!("{code}-A")), Err(CodeProblem::Length));
        assert_eq!(
            parse_code(&code.replacen('-', "#", 1)),
            Err(CodeProblem::Character)
        );
        assert_eq!(
            parse_code(&code.replacen(&code[..1], "U", 1)),
            Err(CodeProblem::Character)
        );
    }

    #[test]
    fn a_profile_names_only_what_it_knows() {
        let profile: Profile =
            serde_json::from_str(r#"{"age": "30-39", "region": "jeju"}"#).unwrap();
        assert_eq!(profile.age, Some(AgeBand::From30To39));
        assert!(profile.sex.is_none() && profile.problem().is_none());
        let bad: Profile = serde_json::from_str(r#"{"region": "mars"}"#).unwrap();
        assert!(bad.problem().is_some());
        assert!(serde_json::from_str::<Profile>(r#"{"name": "홍길동"}"#).is_err());
        assert_eq!(REGIONS.len(), 17);
        for band in AgeBand::ALL {
            let json = serde_json::to_string(&band).unwrap();
            assert_eq!(json, format!("\"{}\"", band.code()));
        }
    }
}

/// A profile question a quota is set on, as margins name it.
pub const DIMENSIONS: [&str; 4] = ["age", "sex", "region", "ai_use"];

/// The levels of a dimension, as stored and as margins name them.
pub fn levels(dimension: &str) -> Vec<&'static str> {
    match dimension {
        "age" => AgeBand::ALL.iter().map(|a| a.code()).collect(),
        "sex" => Sex::ALL.iter().map(|s| s.code()).collect(),
        "region" => REGIONS.iter().map(|(code, _, _)| *code).collect(),
        "ai_use" => AiUse::ALL.iter().map(|a| a.code()).collect(),
        _ => Vec::new(),
    }
}

/// One population margin: the share of `level` in `dimension` (0 to 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Margin {
    pub dimension: String,
    pub level: String,
    pub share: f64,
}

/// How far a dimension's shares may sum from 1 (rounded published figures).
pub const SHARE_SUM_TOLERANCE: f64 = 0.02;

/// Reads population margins: CSV lines `dimension,level,share` after a header line of exactly
/// those names; blank lines and lines starting with `#` are notes. Shares are fractions (0.173)
/// or percentages (17.3%). Every problem is reported with its line number; each dimension named
/// must list shares that sum to 1 (within [`SHARE_SUM_TOLERANCE`]).
pub fn parse_margins(text: &str) -> Result<Vec<Margin>, Vec<String>> {
    let mut problems = Vec::new();
    let mut margins: Vec<Margin> = Vec::new();
    let mut header = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if !header {
            if fields != ["dimension", "level", "share"] {
                problems.push(format!(
                    "line {n}: the first line must be the header dimension,level,share"
                ));
                return Err(problems);
            }
            header = true;
            continue;
        }
        let [dimension, level, share] = fields[..] else {
            problems.push(format!(
                "line {n}: three fields expected, {} found",
                fields.len()
            ));
            continue;
        };
        if !DIMENSIONS.contains(&dimension) {
            problems.push(format!(
                "line {n}: unknown dimension {dimension:?} (one of {})",
                DIMENSIONS.join(", ")
            ));
            continue;
        }
        if !levels(dimension).contains(&level) {
            problems.push(format!(
                "line {n}: unknown level {level:?} of {dimension} (one of {})",
                levels(dimension).join(", ")
            ));
            continue;
        }
        let value = match share.strip_suffix('%') {
            Some(percent) => percent.trim().parse::<f64>().map(|p| p / 100.0),
            None => share.parse::<f64>(),
        };
        let Some(share) = value
            .ok()
            .filter(|s| s.is_finite() && (0.0..=1.0).contains(s))
        else {
            problems.push(format!(
                "line {n}: the share {share:?} is not a fraction from 0 to 1 (or a percentage)"
            ));
            continue;
        };
        if margins
            .iter()
            .any(|m| m.dimension == dimension && m.level == level)
        {
            problems.push(format!("line {n}: {dimension} {level} is listed twice"));
            continue;
        }
        margins.push(Margin {
            dimension: dimension.to_owned(),
            level: level.to_owned(),
            share,
        });
    }
    if !header {
        problems.push("the file is empty: it needs the header dimension,level,share".into());
    }
    for dimension in DIMENSIONS {
        let shares: Vec<f64> = margins
            .iter()
            .filter(|m| m.dimension == dimension)
            .map(|m| m.share)
            .collect();
        let sum: f64 = shares.iter().sum();
        if !shares.is_empty() && (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
            problems.push(format!(
                "{dimension}: the shares sum to {sum:.3}, not 1 (every level of a dimension must be listed)"
            ));
        }
    }
    if problems.is_empty() {
        Ok(margins)
    } else {
        Err(problems)
    }
}

/// `PUT /api/v1/admin/rounds/{id}/quotas`: the panel's target size and the population margins
/// (the CSV text [`parse_margins`] reads).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaRequest {
    pub target: u32,
    pub margins: String,
}

/// One level of a dimension on the quota page: its share of the population, the panelists it
/// should have (share × target), those who joined, and their counted votes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuotaCell {
    pub level: String,
    pub share: f64,
    pub target: f64,
    pub panelists: u64,
    pub votes: u64,
}

/// A dimension on the quota page; `unstated`: panelists who preferred not to say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuotaDimension {
    pub dimension: String,
    pub cells: Vec<QuotaCell>,
    pub unstated_panelists: u64,
    pub unstated_votes: u64,
    /// The operator gave no margin for this dimension: its cells' shares and targets are
    /// unknown, not 0.
    #[serde(default)]
    pub without_margins: bool,
}

/// A round's quotas, live (`GET /api/v1/admin/rounds/{id}/quotas`): the target, each dimension
/// with margins against what joined, and the invitation cells (batches by cell).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quotas {
    pub target: u32,
    pub panelists: u64,
    pub votes: u64,
    pub dimensions: Vec<QuotaDimension>,
    /// The margins as uploaded (what the form shows again).
    #[serde(default)]
    pub margins: Vec<Margin>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod margin_tests {
    use super::*;

    #[test]
    fn margins_are_read_with_their_line_numbers_on_every_problem() {
        let good = "# sample\ndimension,level,share\nsex,female,50.4%\nsex,male,0.496\n\nai_use,never,0.3\nai_use,sometimes,0.5\nai_use,often,0.2\n";
        let margins = parse_margins(good).unwrap();
        assert_eq!(margins.len(), 5);
        assert!((margins[0].share - 0.504).abs() < 1e-12);
        let bad = "dimension,level,share\nsex,female,0.5\nsex,other,0.5\nage,30-39,abc\nplanet,mars,1\nsex,female,0.4\nage,18-29\n";
        let problems = parse_margins(bad).unwrap_err();
        let said = problems.join("\n");
        for expected in [
            "line 3:",
            "line 4:",
            "line 5:",
            "line 6:",
            "line 7:",
            "sex: the shares sum to 0.500",
        ] {
            assert!(said.contains(expected), "{expected} not in:\n{said}");
        }
        assert!(parse_margins("level,dimension,share\n").is_err());
        assert!(parse_margins("").is_err());
    }
}
