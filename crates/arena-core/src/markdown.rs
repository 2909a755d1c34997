//! Safe Markdown rendering for model answers, and the answer style features used by style control.
//!
//! Answers come from model teams and, later, from live model endpoints, so they are untrusted:
//! raw HTML is shown as text, and only `http(s):`, `mailto:` and relative links survive. Images
//! are not loaded (a remote image would leak the voter's address to whoever hosts it); they
//! become links. The browser inserts the returned HTML as-is, so this module is the one place
//! that must get escaping right.

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use serde::{Deserialize, Serialize};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

const TABLE_OPEN: &str =
    "<div class=\"md-table\" tabindex=\"0\" role=\"region\" aria-label=\"표\">";

/// Renders untrusted Markdown to HTML that is safe to insert into the page.
pub fn render_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    let mut link_stack: Vec<bool> = Vec::new();
    let mut in_image = false;
    let mut headings = HeadingLevels::default();
    let events = Parser::new_ext(markdown, options()).filter_map(|event| match event {
        // Raw HTML, block or inline, is shown as the text it is.
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        // The page's own headings are h1 (the page) and h2 ("답변 A"); an answer's `#` is h3.
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: headings.open(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(_)) => Some(Event::End(TagEnd::Heading(headings.current))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let allowed = is_safe_url(&dest_url);
            link_stack.push(allowed);
            allowed.then(|| {
                Event::Start(Tag::Link {
                    link_type: plain_link_type(link_type),
                    dest_url,
                    title,
                    id,
                })
            })
        }
        Event::End(TagEnd::Link) => link_stack.pop().unwrap_or(false).then_some(event),
        // An image becomes a link to it (when its address is safe), its alt text the link text.
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => {
            in_image = true;
            let allowed = is_safe_url(&dest_url);
            link_stack.push(allowed);
            allowed.then_some(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Image) => {
            in_image = false;
            link_stack
                .pop()
                .unwrap_or(false)
                .then_some(Event::End(TagEnd::Link))
        }
        Event::Text(text) if in_image && text.is_empty() => None,
        other => Some(other),
    });
    // A wide table scrolls inside its own box, which must be reachable by keyboard. (Only this
    // code emits `Event::Html`: the answer's own HTML became text above.)
    let events = events.flat_map(|event| match event {
        Event::Start(Tag::Table(_)) => vec![Event::Html(TABLE_OPEN.into()), event],
        Event::End(TagEnd::Table) => vec![event, Event::Html("</div>".into())],
        other => vec![other],
    });
    html::push_html(&mut out, events);
    // Every link opens in a new tab and tells the target nothing: an answer must never navigate
    // the arena (or a government page's frame around it) away, nor hand it a `window.opener`.
    // Only the renderer writes `<a href`: the answer's own HTML was escaped to text above.
    out.replace("<a href=\"", LINK_OPEN)
}

const LINK_OPEN: &str = "<a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"";

/// An answer's headings in the page's outline: `#` is h3, `##` h4, and so on down to h6, but
/// never more than one level below the heading before it (the answer card's h2 at first), so a
/// screen reader's list of headings has no holes (`#####` right after the card is an h3).
struct HeadingLevels {
    current: HeadingLevel,
}

impl Default for HeadingLevels {
    fn default() -> Self {
        HeadingLevels {
            current: HeadingLevel::H2,
        }
    }
}

impl HeadingLevels {
    fn open(&mut self, level: HeadingLevel) -> HeadingLevel {
        let wanted = (level as usize + 2).min(6);
        let allowed = (self.current as usize + 1).min(6);
        self.current = match wanted.min(allowed) {
            3 => HeadingLevel::H3,
            4 => HeadingLevel::H4,
            5 => HeadingLevel::H5,
            _ => HeadingLevel::H6,
        };
        self.current
    }
}

/// Autolinks and e-mail autolinks are rendered like inline links; nothing else changes.
fn plain_link_type(link_type: LinkType) -> LinkType {
    match link_type {
        LinkType::Autolink | LinkType::Email => link_type,
        _ => LinkType::Inline,
    }
}

/// True for `http:`, `https:`, `mailto:` and scheme-less (relative or fragment) addresses.
///
/// Browsers ignore tabs and newlines inside a URL and leading control characters and spaces, so
/// `java\tscript:` and ` javascript:` are both `javascript:` to them; they are to us, too.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c.is_ascii_control() || c == ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if cleaned[i..].starts_with(':') => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Counts that describe how an answer looks rather than what it says, as in the public arena's
/// style control: its length and, outside code blocks, its headers, list items and bold spans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StyleFeatures {
    /// Length in characters (Unicode scalar values) of the whole answer, code included.
    pub length: u32,
    /// Headers by level, `h1`..`h6` (index 0 is `#`).
    pub headers: [u32; 6],
    /// List items, ordered and unordered, at any depth.
    pub list_items: u32,
    /// Bold (strong) spans.
    pub bold: u32,
}

impl StyleFeatures {
    pub fn header_count(&self) -> u32 {
        self.headers.iter().sum()
    }
}

/// Measures the style of one Markdown answer.
pub fn style_features(markdown: &str) -> StyleFeatures {
    let mut features = StyleFeatures {
        length: u32::try_from(markdown.chars().count()).unwrap_or(u32::MAX),
        ..StyleFeatures::default()
    };
    let mut code_depth = 0u32;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            _ if code_depth > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => {
                features.headers[heading_index(level)] += 1;
            }
            Event::Start(Tag::Item) => features.list_items += 1,
            Event::Start(Tag::Strong) => features.bold += 1,
            _ => {}
        }
    }
    features
}

fn heading_index(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 0,
        HeadingLevel::H2 => 1,
        HeadingLevel::H3 => 2,
        HeadingLevel::H4 => 3,
        HeadingLevel::H5 => 4,
        HeadingLevel::H6 => 5,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_lists_and_code() {
        let html = render_html(
            "| 항목 | 값 |\n|---|---|\n| 가 | 1 |\n\n- 하나\n- 둘\n\n```rust\nlet x = 1;\n```\n",
        );
        assert!(
            html.contains(
                "<div class=\"md-table\" tabindex=\"0\" role=\"region\" aria-label=\"표\"><table>"
            ),
            "{html}"
        );
        assert!(html.contains("</table>\n</div>"), "{html}");
        assert!(html.contains("<li>하나</li>"), "{html}");
        assert!(
            html.contains("<pre><code class=\"language-rust\">let x = 1;"),
            "{html}"
        );
    }

    #[test]
    fn answer_headings_sit_below_the_page_headings() {
        let html =
            render_html("# 큰 제목\n\n## 작은 제목\n\n### 더 작은 제목\n\n#### 아주 작은 제목\n");
        assert!(html.contains("<h3>큰 제목</h3>"), "{html}");
        assert!(html.contains("<h4>작은 제목</h4>"), "{html}");
        assert!(html.contains("<h5>더 작은 제목</h5>"), "{html}");
        assert!(html.contains("<h6>아주 작은 제목</h6>"), "{html}");
    }

    #[test]
    fn answer_headings_never_skip_a_level() {
        // The card's title is h2: a first `#####` is h3, and `####` after `#` is h4.
        let html = render_html("##### 처음\n\n# 하나\n\n#### 넷\n\n## 둘\n");
        assert!(html.contains("<h3>처음</h3>"), "{html}");
        assert!(html.contains("<h3>하나</h3>"), "{html}");
        assert!(html.contains("<h4>넷</h4>"), "{html}");
        assert!(html.contains("<h4>둘</h4>"), "{html}");
    }

    #[test]
    fn raw_html_is_escaped_text() {
        let html = render_html("안녕 <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn dangerous_links_keep_their_text_but_lose_the_link() {
        for md in [
            "[누르세요](javascript:alert(1))",
            "[누르세요](JaVaScRiPt:alert(1))",
            "[누르세요](javascript&#58;alert(1))",
            "[누르세요](<java\tscript:alert(1)>)",
            "[누르세요](data:text/html,<script>alert(1)</script>)",
            "[누르세요](vbscript:msgbox)",
        ] {
            let html = render_html(md);
            assert!(!html.contains("<a"), "{md} -> {html}");
            assert!(html.contains("누르세요"), "{md} -> {html}");
        }
        let img = render_html("![사진](javascript:alert(1))");
        assert!(!img.contains("<a") && !img.contains("<img"), "{img}");
    }

    #[test]
    fn safe_links_survive_and_images_become_links() {
        let html = render_html(
            "[정부24](https://www.gov.kr) [메일](mailto:a@b.kr) [상대](/leaderboard) <https://korean.go.kr>",
        );
        assert!(
            html.contains(&format!("{LINK_OPEN}https://www.gov.kr\">정부24</a>")),
            "{html}"
        );
        assert!(html.contains("href=\"mailto:a@b.kr\""), "{html}");
        assert!(html.contains("href=\"/leaderboard\""), "{html}");
        assert!(html.contains("href=\"https://korean.go.kr\""), "{html}");
        let img = render_html("![지도](https://example.org/map.png)");
        assert!(!img.contains("<img"), "{img}");
        assert!(
            img.contains(&format!(
                "{LINK_OPEN}https://example.org/map.png\">지도</a>"
            )),
            "{img}"
        );
    }

    #[test]
    fn attribute_injection_through_a_url_is_escaped() {
        let html = render_html("[x](https://a.kr/\"onmouseover=\"alert(1))");
        assert!(!html.contains("\"onmouseover"), "{html}");
    }

    #[test]
    fn style_features_skip_code_blocks() {
        let md = "# 제목\n\n## 소제목\n\n- **하나**\n- 둘\n\n1. 셋\n\n```\n# 주석\n- 목록 아님\n**굵게 아님**\n```\n";
        let f = style_features(md);
        assert_eq!(f.headers, [1, 1, 0, 0, 0, 0]);
        assert_eq!(f.header_count(), 2);
        assert_eq!(f.list_items, 3);
        assert_eq!(f.bold, 1);
        assert_eq!(f.length as usize, md.chars().count());
    }
}
