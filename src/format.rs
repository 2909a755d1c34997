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

/// A wait in whole seconds, the Korean way: `45` → `45초`, `90` → `2분`, `5400` → `1시간 30분`.
/// From a minute on it counts whole minutes, rounded up, so nobody is told to come back too soon.
pub fn wait(seconds: u64) -> String {
    if seconds < 60 {
        return format!("{seconds}초");
    }
    let minutes = seconds.div_ceil(60);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}분"),
        (h, 0) => format!("{h}시간"),
        (h, m) => format!("{h}시간 {m}분"),
    }
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

    #[test]
    fn waits_in_seconds_then_whole_minutes_rounded_up() {
        assert_eq!(wait(0), "0초");
        assert_eq!(wait(1), "1초");
        assert_eq!(wait(59), "59초");
        assert_eq!(wait(60), "1분");
        assert_eq!(wait(61), "2분");
        assert_eq!(wait(3600), "1시간");
        assert_eq!(wait(5400), "1시간 30분");
    }
}
