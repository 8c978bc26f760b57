//! The clock, on the server or in the browser (relative times are in `core::locale`).

/// Milliseconds since the Unix epoch, on the server or in the browser.
pub fn now_ms() -> i64 {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}
