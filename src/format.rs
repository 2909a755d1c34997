//! Numbers and dates the Korean way (`ko-KR`, Asia/Seoul), via the browser's Intl.

use wasm_bindgen::JsValue;

/// `1234` → `1,234`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rating rounded for people: `1034.6` → `1035`.
pub fn rating(r: f64) -> String {
    format!("{:.0}", r)
}

/// Milliseconds since the epoch → `2026. 11. 22. 오후 7:30:00` in Seoul time.
pub fn date_time(ms: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"Asia/Seoul".into());
    date.to_locale_string("ko-KR", &options).into()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }
}
