//! The page's own address (its query parameters, read without a router: the battle app has
//! none) and the browser's storage for this site.

/// The first `name=value` of the address's query, decoded (`+` is a space); `None` if absent.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let prefix = format!("{name}=");
    let raw = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix(prefix.as_str()))?;
    js_sys::decode_uri_component(&raw.replace('+', " "))
        .ok()?
        .as_string()
}

/// The address's path, e.g. `/leaderboard`.
pub fn path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// This site's `localStorage`, unless the browser refuses it (blocked in a frame, private mode):
/// every caller then keeps what it needs in memory for the visit.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
