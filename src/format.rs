//! Numbers and dates in the chosen language (dates in Seoul time, via the browser's Intl).

use wasm_bindgen::JsValue;

use crate::i18n::Lang;

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

/// A wait in whole seconds: `45` → `45초` / `45 seconds`, `90` → `2분` / `2 minutes`, `5400` →
/// `1시간 30분` / `1 h 30 min`. From a minute on it counts whole minutes, rounded up, so nobody
/// is told to come back too soon.
pub fn wait(seconds: u64, lang: Lang) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if seconds < 60 {
        return match lang {
            Lang::Ko => format!("{seconds}초"),
            Lang::En => plural(seconds, "second", "seconds"),
        };
    }
    let minutes = seconds.div_ceil(60);
    match (lang, minutes / 60, minutes % 60) {
        (Lang::Ko, 0, m) => format!("{m}분"),
        (Lang::Ko, h, 0) => format!("{h}시간"),
        (Lang::Ko, h, m) => format!("{h}시간 {m}분"),
        (Lang::En, 0, m) => plural(m, "minute", "minutes"),
        (Lang::En, h, 0) => plural(h, "hour", "hours"),
        (Lang::En, h, m) => format!("{h} h {m} min"),
    }
}

/// Milliseconds since the epoch → the day in Seoul: `2026. 11. 22.` / `11/22/2026`.
pub fn date(ms: i64, lang: Lang) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"Asia/Seoul".into());
    date.to_locale_date_string(lang.locale(), &options).into()
}

/// Milliseconds since the epoch → `2026. 11. 22. 오후 7:30:00` / `11/22/2026, 7:30:00 PM` in
/// Seoul time (KST), where the arena runs.
pub fn date_time(ms: i64, lang: Lang) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"Asia/Seoul".into());
    let text: String = date.to_locale_string(lang.locale(), &options).into();
    match lang {
        Lang::Ko => text,
        Lang::En => format!("{text} KST"),
    }
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

    #[test]
    fn waits_in_seconds_then_whole_minutes_rounded_up() {
        let ko = |s| wait(s, Lang::Ko);
        assert_eq!(ko(0), "0초");
        assert_eq!(ko(1), "1초");
        assert_eq!(ko(59), "59초");
        assert_eq!(ko(60), "1분");
        assert_eq!(ko(61), "2분");
        assert_eq!(ko(3600), "1시간");
        assert_eq!(ko(5400), "1시간 30분");
        let en = |s| wait(s, Lang::En);
        assert_eq!(en(1), "1 second");
        assert_eq!(en(45), "45 seconds");
        assert_eq!(en(60), "1 minute");
        assert_eq!(en(90), "2 minutes");
        assert_eq!(en(3600), "1 hour");
        assert_eq!(en(5400), "1 h 30 min");
    }
}
