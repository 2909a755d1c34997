//! The kinds of personal data the arena finds, their codes in the API and their names.

/// A kind of personal data found in a text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PersonalData {
    /// 주민등록번호 or 외국인등록번호.
    ResidentNumber,
    /// A South Korean phone number: mobile, landline, internet phone or representative number.
    Phone,
    /// An e-mail address.
    Email,
    /// A bank account or payment card number.
    Account,
}

impl PersonalData {
    /// The kind's code in the API (`resident_number`, `phone`, `email`, `account`).
    pub fn code(self) -> &'static str {
        match self {
            PersonalData::ResidentNumber => "resident_number",
            PersonalData::Phone => "phone",
            PersonalData::Email => "email",
            PersonalData::Account => "account",
        }
    }

    /// The kind of a [`PersonalData::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        [
            PersonalData::ResidentNumber,
            PersonalData::Phone,
            PersonalData::Email,
            PersonalData::Account,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    /// Korean and English names for a message, e.g. ("주민등록번호", "resident registration number").
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::ResidentNumber => ("주민등록번호", "resident registration number"),
            Self::Phone => ("전화번호", "phone number"),
            Self::Email => ("이메일 주소", "e-mail address"),
            Self::Account => ("계좌·카드 번호", "account or card number"),
        }
    }

    /// What [`scrub`](super::scrub) puts in place of a match.
    pub(super) fn placeholder(self) -> &'static str {
        match self {
            Self::ResidentNumber => "[주민등록번호]",
            Self::Phone => "[전화번호]",
            Self::Email => "[이메일]",
            Self::Account => "[계좌번호]",
        }
    }
}
