use super::PersonalData::{Account, Email, Phone, ResidentNumber};
use super::*;

/// `text` holds exactly one match, `needle`, of `kind`.
#[track_caller]
fn only(text: &str, needle: &str, kind: PersonalData) {
    let at = text.find(needle).expect("the needle is in the text");
    assert_eq!(
        matches(text),
        vec![(at..at + needle.len(), kind)],
        "in {text:?}"
    );
}

#[track_caller]
fn nothing(text: &str) {
    assert_eq!(matches(text), vec![], "in {text:?}");
}

#[test]
fn resident_numbers_are_found_in_sentences() {
    only(
        "제 주민번호는 900101-1234567인데요",
        "900101-1234567",
        ResidentNumber,
    );
    only(
        "주민등록번호: 9001012345678",
        "9001012345678",
        ResidentNumber,
    );
    only(
        "주민번호 900101 1234567 맞나요?",
        "900101 1234567",
        ResidentNumber,
    );
    only(
        "외국인등록번호는 850505-5123456입니다.",
        "850505-5123456",
        ResidentNumber,
    );
    only(
        "2000년생 000229-3123456 (윤년)",
        "000229-3123456",
        ResidentNumber,
    );
    assert_eq!(
        find("제 주민번호는 900101-1234567인데요"),
        vec![ResidentNumber]
    );
}

#[test]
fn resident_shapes_with_impossible_dates_or_serials_are_not_resident_numbers() {
    // Month 13, 30 February, 31 April, day 00: hyphenated, it is two groups, so nothing.
    for text in [
        "991301-1234567",
        "900230-1234567",
        "900431-1234567",
        "900100-1234567",
    ] {
        nothing(text);
    }
    // A seventh digit of 9 or 0 is no resident number either.
    nothing("900101-9234567");
    nothing("900101-0234567");
    // As one run of 13 digits, it is still an account-like number.
    only("번호 9913011234567", "9913011234567", Account);
}

#[test]
fn resident_numbers_inside_longer_runs_are_not_found() {
    // 13 digits inside a 20-digit run: the run is too long for anything.
    nothing("주문번호 00000009001011234567");
    nothing("9001011234567890123456");
    // Glued to letters, the digits are part of an identifier.
    nothing("ID9001011234567");
    nothing("900101-1234567A");
    // Inside a longer chain, the resident shape gives way to the chain (an account here).
    only("900101-1234567-12", "900101-1234567-12", Account);
}

#[test]
fn mobile_numbers_in_every_spelling_are_found() {
    only("연락처 010-1234-5678로 주세요", "010-1234-5678", Phone);
    for number in [
        "01012345678",
        "010 1234 5678",
        "010.1234.5678",
        "011-123-4567",
        "0161234567",
        "(010) 1234-5678",
        "+82 10-1234-5678",
        "+82 10 1234 5678",
        "+82-10-1234-5678",
        "+821012345678",
        "+82 010-1234-5678",
        "+82 (0)10-1234-5678",
    ] {
        only(&format!("제 번호는 {number}입니다"), number, Phone);
    }
    only("(010-1234-5678)", "010-1234-5678", Phone);
    only("Tel.010-1234-5678", "010-1234-5678", Phone);
    only("tel:01012345678.", "01012345678", Phone);
}

#[test]
fn landlines_internet_and_representative_numbers_are_found() {
    for number in [
        "02-123-4567",
        "02-1234-5678",
        "031-123-4567",
        "064-712-3456",
        "070-1234-5678",
        "(02)123-4567",
        "(02) 1234 5678",
        "02)123-4567",
        "021234567",
        "0312345678",
        "05112345678",
        "+82-2-123-4567",
        "+82 31 123 4567",
        "+8221234567",
        "1588-1234",
        "1644-0000",
        "1800-1234",
    ] {
        only(&format!("문의는 {number}로 해 주세요"), number, Phone);
    }
}

#[test]
fn phone_shapes_that_are_not_phone_numbers() {
    // Not an area code, mixed separators, too short or too long a group.
    for text in [
        "080-123-4567은 수신자 부담",
        "010-1234.5678",
        "010-12-5678",
        "010-1234-567",
        "02-12345-6789",
    ] {
        assert!(!find(text).contains(&Phone), "in {text:?}");
    }
    // A phone number glued into a longer chain is not one.
    nothing("010-1234-5678-9999-8888-7777");
    // Representative-number shapes that read as ranges.
    nothing("임진왜란은 1592-1598년");
    nothing("1592-1598 임진왜란");
    nothing("1600-1700");
    nothing("1500-3000원 사이");
    nothing("1588-1234명");
    nothing("예시: 010-XXXX-XXXX 형식");
}

#[test]
fn email_addresses_are_found() {
    only(
        "메일은 hong.gildong@example.co.kr",
        "hong.gildong@example.co.kr",
        Email,
    );
    only(
        "hong+tag@mail.example.com로 보내 주세요.",
        "hong+tag@mail.example.com",
        Email,
    );
    only("(kim_01@naver.com)", "kim_01@naver.com", Email);
    only("주소: .lee@daum.net.", "lee@daum.net", Email);
    // The address wins over the phone number it contains.
    only("01012345678@example.com", "01012345678@example.com", Email);
    // Two addresses side by side.
    let text = "a.b@x.org,c-d@y-z.io";
    assert_eq!(matches(text), vec![(0..9, Email), (10..20, Email)]);
}

#[test]
fn things_with_at_signs_that_are_not_addresses() {
    for text in [
        "@user 님 안녕하세요",
        "a@b",
        "a@b.c",
        "user@localhost",
        "user@.com",
        "user@-x.com",
        "user@x..com",
        "user@x.com1",
        "user@@example.com",
        "가나@다라.한국",
    ] {
        nothing(text);
    }
}

#[test]
fn account_and_card_numbers_are_found() {
    only(
        "국민은행 123456-01-234567로 입금",
        "123456-01-234567",
        Account,
    );
    for number in [
        "110-123-456789",
        "1002-123-456789",
        "123-45-678901-2",
        "301-1234-5678-11",
        "4111-1111-1111-1111",
        "4111 1111 1111 1111",
        "3782 822463 10005",
        "5500 0000 0000 0004",
        "123456789012",
        "1234567890123456",
    ] {
        only(&format!("계좌 {number}로 보내 주세요"), number, Account);
    }
    only(
        "카드 4111 1111 1111 1111 12 28",
        "4111 1111 1111 1111",
        Account,
    );
}

#[test]
fn long_ordinary_numbers_are_not_accounts() {
    for text in [
        "4111 1111 1111 1112",
        "4111 1111 1111 1111 1111",
        "연도별 1990 2000 2010 2020 비교",
        "2020-2021-2022-2023 추이",
        "2026-12-03-0001 회의록",
        "1-2-3-4-5-6-7-8-9-10",
        "10-20-30-40-50",
        "12345678901234567 (17자리)",
        "1234-5678-9012-3456-7890",
        "550e8400-e29b-41d4-a716-446655440000",
        "https://example.com/post/123456789012345",
        "3.141592653589",
        "123456789012.5",
        "991301-1234567",
    ] {
        nothing(text);
    }
}

#[test]
fn ordinary_prompts_have_no_personal_data() {
    for text in [
        "2026년 12월 3일 서울 날씨",
        "세종대왕은 1443년에 훈민정음을 창제했다",
        "1,000,000원은 몇 달러인가요?",
        "3000만 원으로 집을 살 수 있을까요",
        "버전 1.2.3",
        "v10.2.11 릴리스 노트",
        "3.141592653589",
        "2026-12-03",
        "2026.12.03",
        "2026. 12. 3.",
        "오후 3:30에 만나요",
        "100-200쪽",
        "전화번호 형식을 알려줘",
        "@user 님 안녕하세요",
        "a@b",
        "1+1은?",
        "12345 × 67890 = 838102050",
        "0.000123456789",
        "인구 51,740,000명",
        "2^64 = 18446744073709551616",
        "우편번호 04524",
        "",
    ] {
        assert_eq!(find(text), vec![], "in {text:?}");
    }
}

#[test]
fn find_lists_each_kind_once_in_the_enums_order() {
    let text = "계좌 110-123-456789, 메일 a@example.com, 전화 010-1234-5678, \
                또 02-123-4567, 주민 900101-1234567";
    assert_eq!(find(text), vec![ResidentNumber, Phone, Email, Account]);
    assert_eq!(find("010-1111-2222, 010-3333-4444"), vec![Phone]);
}

#[test]
fn scrub_replaces_every_match_with_its_placeholder() {
    assert_eq!(
        scrub(
            "주민번호 900101-1234567, 전화 010-1234-5678, 메일 hong@example.com, \
             계좌 110-123-456789입니다."
        ),
        "주민번호 [주민등록번호], 전화 [전화번호], 메일 [이메일], 계좌 [계좌번호]입니다."
    );
    assert_eq!(
        scrub("+82 10 1234 5678 또는 02)123-4567"),
        "[전화번호] 또는 [전화번호]"
    );
    assert_eq!(
        scrub("연락처: 010-1111-2222/010-3333-4444"),
        "연락처: [전화번호]/[전화번호]"
    );
    assert_eq!(
        scrub("개인정보 없음 2026-12-03"),
        "개인정보 없음 2026-12-03"
    );
    assert_eq!(scrub(""), "");
}

#[test]
fn a_match_counts_as_replaced_for_its_neighbours() {
    // What follows a match is judged as if the match were already a placeholder, so one pass
    // of `scrub` leaves nothing for a second pass.
    for (text, scrubbed) in [
        ("010-1234-5678+821012345678", "[전화번호][전화번호]"),
        ("a@b.com/01012345678", "[이메일]/[전화번호]"),
        ("01012345678/a@b.com", "[전화번호]/[이메일]"),
        ("hong@example.com(02)123-4567", "[이메일][전화번호]"),
    ] {
        assert_eq!(scrub(text), scrubbed, "{text:?}");
        assert_eq!(scrub(scrubbed), scrubbed);
    }
}

#[test]
fn matches_are_ordered_and_do_not_overlap() {
    let text = "a@b.co 010-1234-5678 900101-1234567 110-123-456789 x@y.kr \
                +821012345678 4111 1111 1111 1111, 1588-1234";
    let found = matches(text);
    let kinds: Vec<PersonalData> = found.iter().map(|(_, kind)| *kind).collect();
    assert_eq!(
        kinds,
        [
            Email,
            Phone,
            ResidentNumber,
            Account,
            Email,
            Phone,
            Account,
            Phone
        ]
    );
    for pair in found.windows(2) {
        assert!(pair[0].0.end <= pair[1].0.start, "{pair:?}");
    }
}

#[test]
fn names_and_wire_format() {
    assert_eq!(
        ResidentNumber.names(),
        ("주민등록번호", "resident registration number")
    );
    assert_eq!(Account.names().0, "계좌·카드 번호");
    assert_eq!(
        serde_json::to_string(&[ResidentNumber, Phone, Email, Account]).ok(),
        Some(r#"["resident_number","phone","email","account"]"#.to_owned())
    );
    assert_eq!(
        serde_json::from_str::<PersonalData>(r#""resident_number""#).ok(),
        Some(ResidentNumber)
    );
    // The codes are the JSON names, both ways.
    for kind in [ResidentNumber, Phone, Email, Account] {
        assert_eq!(
            serde_json::to_string(&kind).ok(),
            Some(format!("\"{}\"", kind.code()))
        );
        assert_eq!(PersonalData::from_code(kind.code()), Some(kind));
    }
    assert_eq!(PersonalData::from_code("name"), None);
}

/// Random strings of Hangul, digits and the punctuation the patterns look at, in ASCII and in
/// other spellings: nothing panics, ranges are on character boundaries, ordered and disjoint,
/// and scrubbing leaves nothing.
#[test]
fn any_text_is_handled_safely() {
    const PIECES: [&str; 33] = [
        "가",
        "힣",
        "번호",
        "0",
        "1",
        "2",
        "5",
        "8",
        "9",
        "010",
        "82",
        "1234",
        "-",
        "-",
        "@",
        ".",
        " ",
        " ",
        "+",
        "(",
        ")",
        "a",
        "Z",
        "é",
        "900101",
        "co",
        "０",
        "１２３４",
        "－",
        "\u{200B}",
        "\u{3000}",
        "＠",
        "٣",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % bound as u64).unwrap_or(0)
    };
    let mut seen = [0usize; 4];
    for _ in 0..20_000 {
        let len = next(40);
        let text: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
        let found = matches(&text);
        let mut previous_end = 0;
        for (range, kind) in &found {
            assert!(
                range.start >= previous_end && range.start < range.end,
                "{text:?}"
            );
            assert!(text.get(range.clone()).is_some(), "{text:?}");
            previous_end = range.end;
            seen[*kind as usize] += 1;
        }
        let mut kinds: Vec<PersonalData> = found.iter().map(|(_, kind)| *kind).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(find(&text), kinds, "{text:?}");
        let scrubbed = scrub(&text);
        assert_eq!(matches(&scrubbed), vec![], "{text:?} → {scrubbed:?}");
    }
    // The generator does reach every pattern.
    assert!(seen.iter().all(|&n| n >= 5), "{seen:?}");
}
