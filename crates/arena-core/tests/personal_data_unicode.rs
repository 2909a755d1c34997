//! Personal data written with other characters than ASCII: full-width digits, dashes from other
//! blocks, digits of other scripts, invisible characters between the digits. Each is found as its
//! ASCII spelling would be, and scrubbed over the whole original span, so nothing of the number is
//! left behind; ordinary numbers written the same ways stay ordinary.

use arena_core::personal_data::PersonalData::{Account, Email, Phone, ResidentNumber};
use arena_core::personal_data::{PersonalData, find, matches, scrub};

/// `text` holds exactly one match, `needle`, of `kind`, and scrubbing leaves only its placeholder.
#[track_caller]
fn only(text: &str, needle: &str, kind: PersonalData) {
    let at = text.find(needle).expect("the needle is in the text");
    assert_eq!(
        matches(text),
        vec![(at..at + needle.len(), kind)],
        "in {text:?}"
    );
    let scrubbed = scrub(text);
    assert_eq!(
        scrubbed.replace(placeholder(kind), ""),
        text.replace(needle, ""),
        "scrubbing {text:?}"
    );
}

fn placeholder(kind: PersonalData) -> &'static str {
    match kind {
        ResidentNumber => "[주민등록번호]",
        Phone => "[전화번호]",
        Email => "[이메일]",
        Account => "[계좌번호]",
    }
}

#[test]
fn full_width_numbers_are_found_and_scrubbed() {
    only(
        "제 주민번호는 ９００１０１－１２３４５６７인데요",
        "９００１０１－１２３４５６７",
        ResidentNumber,
    );
    only(
        "주민등록번호: ９００１０１１２３４５６７",
        "９００１０１１２３４５６７",
        ResidentNumber,
    );
    only(
        "연락처 ０１０－１２３４－５６７８로 주세요",
        "０１０－１２３４－５６７８",
        Phone,
    );
    only(
        "문의 （０２）１２３－４５６７",
        "（０２）１２３－４５６７",
        Phone,
    );
    only(
        "계좌 １１０－１２３－４５６７８９로 보내 주세요",
        "１１０－１２３－４５６７８９",
        Account,
    );
    // Half full-width, half ASCII: one number all the same.
    only("번호 ０１０-1234－５６７８", "０１０-1234－５６７８", Phone);
    assert_eq!(
        scrub("주민번호 ９００１０１－１２３４５６７, 전화 ０１０－１２３４－５６７８입니다."),
        "주민번호 [주민등록번호], 전화 [전화번호]입니다."
    );
}

#[test]
fn every_dash_joins_groups_like_a_hyphen() {
    for dash in [
        '\u{2010}', // hyphen
        '\u{2011}', // non-breaking hyphen
        '\u{2012}', // figure dash
        '\u{2013}', // en dash
        '\u{2014}', // em dash
        '\u{2015}', // horizontal bar
        '\u{2212}', // minus
        '\u{FE58}', // small em dash
        '\u{FE63}', // small hyphen-minus
        '\u{FF0D}', // full-width hyphen-minus
        'ㅡ',       // the Hangul letter eu, a Korean keyboard's dash
        '─',        // box drawing, offered for a dash by Korean input methods
        'ー',       // the long-vowel mark, a Japanese keyboard's dash
    ] {
        let phone = format!("010{dash}1234{dash}5678");
        only(&format!("전화 {phone} 입니다"), &phone, Phone);
        let resident = format!("900101{dash}1234567");
        only(&format!("주민번호 {resident}"), &resident, ResidentNumber);
    }
}

#[test]
fn full_width_e_mail_addresses_and_plus_82_are_found() {
    for address in [
        "ｈｏｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ",
        "hong＠example．com",
        "hong@example。co。kr",
        "hong﹫example｡com",
        "ｋｉｍ＿０１＠ｎａｖｅｒ．ｃｏｍ",
    ] {
        only(&format!("메일은 {address} 입니다"), address, Email);
    }
    for number in [
        "＋８２ １０－１２３４－５６７８",
        "＋８２１０１２３４５６７８",
        "﹢82 10 1234 5678",
        "+８２-２-１２３-４５６７",
    ] {
        only(&format!("제 번호는 {number}입니다"), number, Phone);
    }
}

#[test]
fn digits_of_other_scripts_are_digits() {
    for (number, kind) in [
        ("٠١٠-١٢٣٤-٥٦٧٨", Phone),           // Arabic-Indic
        ("۰۱۰-۱۲۳۴-۵۶۷۸", Phone),           // Extended Arabic-Indic (Persian)
        ("०१०-१२३४-५६७८", Phone),           // Devanagari
        ("๙๐๐๑๐๑-๑๒๓๔๕๖๗", ResidentNumber), // Thai
        ("𝟎𝟏𝟎-𝟏𝟐𝟑𝟒-𝟓𝟔𝟕𝟖", Phone),           // mathematical bold
        ("𝟙𝟙𝟘-𝟙𝟚𝟛-𝟜𝟝𝟞𝟟𝟠𝟡", Account),        // mathematical double-struck
        ("𝟶𝟷𝟶𝟷𝟸𝟹𝟺𝟻𝟼𝟽𝟾", Phone),             // mathematical monospace
        ("𝟫𝟢𝟢𝟣𝟢𝟣-𝟣𝟤𝟥𝟦𝟧𝟨𝟩", ResidentNumber), // mathematical sans-serif
    ] {
        only(&format!("번호: {number} 입니다"), number, kind);
    }
}

#[test]
fn invisible_characters_between_digits_do_not_break_a_number() {
    for number in [
        "010\u{200B}1234\u{200B}5678",
        "010-\u{200C}1234-\u{200D}5678",
        "0\u{2060}1\u{2060}0\u{2060}1234\u{FEFF}5678",
        "010\u{00AD}1234\u{00AD}5678",
        "010\u{200E}-1234-5678",
        // Keycap digits: a digit, a variation selector and the enclosing keycap mark.
        "0\u{FE0F}\u{20E3}1\u{FE0F}\u{20E3}0\u{FE0F}\u{20E3}-1234-5678",
    ] {
        only(&format!("전화 {number} 주세요"), number, Phone);
        assert_eq!(scrub(number), "[전화번호]", "{number:?}");
    }
    only(
        "주민번호 900101\u{200B}-\u{200B}1234567",
        "900101\u{200B}-\u{200B}1234567",
        ResidentNumber,
    );
    only(
        "메일 hong\u{200B}@example\u{200B}.com",
        "hong\u{200B}@example\u{200B}.com",
        Email,
    );
}

#[test]
fn other_spaces_join_groups_like_a_space() {
    for space in ['\u{3000}', '\u{00A0}', '\u{2009}', '\u{202F}'] {
        let resident = format!("900101{space}1234567");
        only(&format!("주민번호 {resident}"), &resident, ResidentNumber);
        let phone = format!("010{space}1234{space}5678");
        only(&format!("전화 {phone}"), &phone, Phone);
        let card = format!("4111{space}1111{space}1111{space}1111");
        only(&format!("카드 {card}"), &card, Account);
    }
}

#[test]
fn circled_numbers_are_list_markers_not_digits() {
    // Korean lists number their items with ①, ②, …; the number after a marker is found as it is.
    only(
        "① ０１０－１２３４－５６７８로 전화\n② 방문",
        "０１０－１２３４－５６７８",
        Phone,
    );
    only(
        "①０１０－１２３４－５６７８",
        "０１０－１２３４－５６７８",
        Phone,
    );
    assert_eq!(find("① 1443년 ② 1446년 ③ 1592년"), vec![]);
}

#[test]
fn ordinary_numbers_in_other_spellings_stay_ordinary() {
    let ordinary = [
        "２０２６년 １２월 ３일 서울 날씨",
        "２０２６－１２－０３",
        "２０２６．１２．０３",
        "１，０００，０００원은 몇 달러인가요?",
        "３０００만 원으로 집을 살 수 있을까요",
        "임진왜란은 １５９２–１５９８년",
        "1592–1598 임진왜란",
        "１５００－３０００원 사이",
        "１００–２００쪽",
        "２０２０–２０２１–２０２２–２０２３ 추이",
        "버전 １．２．３",
        "３．１４１５９２６５３５８９",
        "우편번호 ０４５２４",
        "A４ 용지 ５００장",
        "x² + y² = r²",
        "ㅡㅡ; 그건 아니죠",
        "가격은 ₩１２，０００ — 부가세 포함",
        "오후 ３：３０에 만나요",
        "2026\u{200B}년",
        "",
    ];
    for text in ordinary {
        assert_eq!(find(text), vec![], "in {text:?}");
    }
    // Beside personal data, they are left exactly as they were.
    let all = ordinary.join("\n");
    let with_phone = format!("{all}\n연락처 ０１０－１２３４－５６７８");
    assert_eq!(scrub(&with_phone), format!("{all}\n연락처 [전화번호]"));
}

#[test]
fn what_is_scrubbed_is_not_found_again() {
    for text in [
        "０１０－１２３４－５６７８＋８２１０１２３４５６７８",
        "ｈｏｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ／０１０１２３４５６７８",
        "010\u{200B}1234\u{200B}5678\u{200B}",
        "\u{200B}９００１０１－１２３４５６７\u{200B}",
    ] {
        let scrubbed = scrub(text);
        assert!(!matches(text).is_empty(), "{text:?}");
        assert_eq!(matches(&scrubbed), vec![], "{text:?} → {scrubbed:?}");
        assert!(
            !scrubbed.chars().any(|c| c.is_numeric()),
            "{text:?} → {scrubbed:?}"
        );
    }
}
