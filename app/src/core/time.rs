//! Relative times ("12 s ago", "il y a 12 s") for anything that shows when something happened.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

/// How long ago `then_ms` was, seen at `now_ms` (both milliseconds since the Unix epoch).
pub fn relative_time(now_ms: i64, then_ms: i64, lang: Lang) -> String {
    let secs = ((now_ms - then_ms).max(0) / 1000) as u64;
    let (n, unit) = match secs {
        0..=4 => {
            return match lang {
                Lang::En => "just now".into(),
                Lang::Fr => "à l’instant".into(),
            }
        }
        5..=59 => (secs, "s"),
        60..=3_599 => (secs / 60, "min"),
        3_600..=86_399 => (secs / 3_600, "h"),
        _ => (secs / 86_400, if lang == Lang::En { "d" } else { "j" }),
    };
    match lang {
        Lang::En => format!("{n} {unit} ago"),
        Lang::Fr => format!("il y a {n} {unit}"),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_largest_whole_unit() {
        let t = 1_000_000_000;
        assert_eq!(relative_time(t + 2_000, t, Lang::En), "just now");
        assert_eq!(relative_time(t + 12_400, t, Lang::En), "12 s ago");
        assert_eq!(relative_time(t + 12_400, t, Lang::Fr), "il y a 12 s");
        assert_eq!(relative_time(t + 125_000, t, Lang::En), "2 min ago");
        assert_eq!(relative_time(t + 3 * 3_600_000, t, Lang::En), "3 h ago");
        assert_eq!(relative_time(t + 2 * 86_400_000, t, Lang::Fr), "il y a 2 j");
        // A clock slightly behind the server's never shows a negative age.
        assert_eq!(relative_time(t, t + 5_000, Lang::En), "just now");
    }
}
