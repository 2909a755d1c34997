//! The invitation cards of a batch as a printable PDF: A4, eight cards a page (two across, four
//! down, with cut lines), each with the round, the code, where to join, and a QR code of the
//! join link with the code (error correction M, a quiet zone of four modules), so the agency can
//! print and mail or hand them out.
//!
//! Korean text uses the standard Korean CID font of PDF readers (`HYGoThic-Medium`, Adobe-Korea1,
//! UCS-2 codes), not embedded: the file stays small, and every reader that shows Korean has it or
//! substitutes one. Latin text (the code, the address) uses Helvetica. Both carry what text
//! extraction needs (a `ToUnicode` map for the Korean font), so a reader can search and copy
//! them.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use qrcode::{Color, EcLevel, QrCode};

/// One card: its code and the link its QR code holds.
pub struct Card {
    pub code: String,
    pub link: String,
}

/// What every card of the batch says besides its code.
pub struct Cover<'a> {
    /// The round's name.
    pub round: &'a str,
    /// When it closes, as people read it (Korea time).
    pub closes: &'a str,
    /// Where to type the code (`https://…/join`).
    pub join: &'a str,
    /// Whether the codes bring a panelist back after a loss (the batch's `recovery`).
    pub recovery: bool,
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const COLUMNS: usize = 2;
const ROWS: usize = 4;
const MARGIN: f32 = 28.0;
const CARD_W: f32 = (PAGE_W - 2.0 * MARGIN) / COLUMNS as f32;
const CARD_H: f32 = (PAGE_H - 2.0 * MARGIN) / ROWS as f32;
const QR_SIZE: f32 = 104.0;

const KOREAN: Name = Name(b"K");
const LATIN: Name = Name(b"L");

/// The font's code for a character (UCS-2: the PDF's `UniKS-UCS2-H` encoding); characters
/// outside the Basic Multilingual Plane, which it cannot encode, become `?`.
fn ucs2(text: &str) -> Vec<u16> {
    text.chars()
        .map(|c| u16::try_from(u32::from(c)).unwrap_or(u16::from(b'?')))
        .collect()
}

fn ucs2_bytes(text: &str) -> Vec<u8> {
    ucs2(text).into_iter().flat_map(u16::to_be_bytes).collect()
}

/// Latin text for Helvetica (WinAnsi covers ASCII; anything else becomes `?`).
fn latin(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
        .collect()
}

fn line(content: &mut Content, font: Name, size: f32, x: f32, y: f32, bytes: &[u8]) {
    content
        .begin_text()
        .set_font(font, size)
        .next_line(x, y)
        .show(Str(bytes))
        .end_text();
}

/// The width of `c` in the Korean font, in ems: Hangul and other wide characters one em, Latin,
/// digits and punctuation half (Adobe-Korea1's proportional range, given as half an em).
fn em_width(c: char) -> f32 {
    if c.is_ascii() { 0.5 } else { 1.0 }
}

/// Korean text word by word: each word placed by its own width and a third of an em between
/// words (a space's width differs between the readers' substitute fonts).
fn korean(content: &mut Content, size: f32, x: f32, y: f32, text: &str) {
    let mut at = x;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        line(content, KOREAN, size, at, y, &ucs2_bytes(word));
        at += word.chars().map(em_width).sum::<f32>() * size + size / 3.0;
    }
}

/// What the left column of every card says under its title: (size, text).
fn korean_lines(cover: &Cover) -> Vec<(f32, String)> {
    vec![
        (10.0, cover.round.chars().take(15).collect()),
        (8.5, format!("마감 {}", cover.closes)),
        (8.5, "휴대전화 카메라로 QR 코드를".to_owned()),
        (8.5, "찍거나 아래 주소에서".to_owned()),
        (8.5, "초대 코드를 입력하세요.".to_owned()),
        (
            7.5,
            if cover.recovery {
                "분실하면 이 코드로 다시 참여"
            } else {
                "코드는 한 번만 쓸 수 있습니다."
            }
            .to_owned(),
        ),
        (7.5, "이름과 연락처는 묻지 않습니다.".to_owned()),
    ]
}

const TITLE: &str = "K-AI 아레나 시민 평가단 초대장";

fn draw_card(content: &mut Content, cover: &Cover, card: &Card, x: f32, y: f32) {
    // Cut line.
    content
        .set_stroke_gray(0.6)
        .set_line_width(0.5)
        .rect(x, y, CARD_W, CARD_H)
        .stroke();
    content.set_fill_gray(0.0);
    let left = x + 14.0;
    korean(content, 12.5, left, y + CARD_H - 26.0, TITLE);
    let mut top = y + CARD_H - 48.0;
    for (size, text) in korean_lines(cover) {
        korean(content, size, left, top, &text);
        top -= size + 5.0;
    }
    line(content, LATIN, 7.0, left, top - 2.0, &latin(cover.join));
    line(content, LATIN, 11.0, left, y + 26.0, &latin(&card.code));
    line(
        content,
        LATIN,
        6.0,
        left,
        y + 12.0,
        b"Scan the QR code, or enter the code at the address above.",
    );
    draw_qr(content, &card.link, x + CARD_W - QR_SIZE - 8.0, y + 34.0);
}

/// The QR code of `data` as filled squares, its quiet zone included in `QR_SIZE`.
fn draw_qr(content: &mut Content, data: &str, x: f32, y: f32) {
    let Ok(code) = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M) else {
        return;
    };
    let width = code.width();
    let quiet = 4;
    let module = QR_SIZE / (width + 2 * quiet) as f32;
    let colors = code.to_colors();
    content.set_fill_gray(0.0);
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (col, row) = (i % width, i / width);
            content.rect(
                x + (col + quiet) as f32 * module,
                y + QR_SIZE - (row + quiet + 1) as f32 * module,
                module,
                module,
            );
        }
    }
    content.fill_nonzero();
}

/// The PDF of `cards`.
pub fn pdf(cover: &Cover, cards: &[Card]) -> Vec<u8> {
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = alloc();
    let tree = alloc();
    let korean = alloc();
    let korean_cid = alloc();
    let korean_descriptor = alloc();
    let korean_map = alloc();
    let helvetica = alloc();
    let per_page = COLUMNS * ROWS;
    let pages: Vec<&[Card]> = cards.chunks(per_page).collect();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (alloc(), alloc())).collect();

    let mut out = Pdf::new();
    out.catalog(catalog).pages(tree);
    out.pages(tree)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);

    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Korea1"),
        supplement: 2,
    };
    out.type0_font(korean)
        .base_font(Name(b"HYGoThic-Medium"))
        .encoding_predefined(Name(b"UniKS-UCS2-H"))
        .descendant_font(korean_cid)
        .to_unicode(korean_map);
    let mut cid = out.cid_font(korean_cid);
    cid.subtype(CidFontType::Type0)
        .base_font(Name(b"HYGoThic-Medium"))
        .system_info(info)
        .font_descriptor(korean_descriptor)
        .default_width(1000.0);
    // Adobe-Korea1's proportional Latin (CIDs 1 to 95: space to tilde) at half the em.
    cid.widths().same(1, 95, 500.0);
    cid.finish();
    out.font_descriptor(korean_descriptor)
        .name(Name(b"HYGoThic-Medium"))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(-6.0, -145.0, 1003.0, 880.0))
        .italic_angle(0.0)
        .ascent(880.0)
        .descent(-120.0)
        .cap_height(880.0)
        .stem_v(93.0);
    // Every character the Korean font shows, for search and copy.
    let mut map = UnicodeCmap::new(Name(b"K-AI-UCS2"), info);
    let mut seen = std::collections::BTreeSet::new();
    let mut texts: Vec<String> = korean_lines(cover).into_iter().map(|(_, t)| t).collect();
    texts.push(TITLE.to_owned());
    for text in texts {
        for c in text.chars() {
            if let Ok(code) = u16::try_from(u32::from(c))
                && seen.insert(code)
            {
                map.pair(code, c);
            }
        }
    }
    out.cmap(korean_map, &map.finish());
    out.type1_font(helvetica).base_font(Name(b"Helvetica"));

    for (cards, (page_id, content_id)) in pages.iter().zip(&page_ids) {
        let mut page = out.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(*content_id);
        page.resources()
            .fonts()
            .pair(KOREAN, korean)
            .pair(LATIN, helvetica);
        page.finish();
        let mut content = Content::new();
        for (i, card) in cards.iter().enumerate() {
            let (col, row) = (i % COLUMNS, i / COLUMNS);
            let x = MARGIN + col as f32 * CARD_W;
            let y = PAGE_H - MARGIN - (row + 1) as f32 * CARD_H;
            draw_card(&mut content, cover, card, x, y);
        }
        out.stream(*content_id, &content.finish());
    }
    out.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn nine_cards_make_two_pages_with_every_code() {
        let cards: Vec<Card> = (0..9)
            .map(|i| Card {
                code: format!("CODE-{i:04}"),
                link: format!("https://arena.example/join?code=CODE-{i:04}"),
            })
            .collect();
        let cover = Cover {
            round: "2026년 12월 시민 평가",
            closes: "2026. 12. 15. 18:00",
            join: "https://arena.example/join",
            recovery: false,
        };
        let bytes = pdf(&cover, &cards);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("%PDF-"));
        assert!(text.contains("/Count 2"), "nine cards, eight a page");
        for card in &cards {
            assert!(text.contains(&card.code), "{}", card.code);
        }
        assert!(text.contains("UniKS-UCS2-H"));
    }
}
