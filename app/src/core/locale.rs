//! The language a page or a request is in, and what depends on it beyond the message files:
//! relative times, money, dates. French is the default; the `courant_lang` cookie (set by
//! the switch in the header), then `Accept-Language`, choose otherwise.
//!
//! Messages built away from a view (server errors, field validation) are translated with
//! [`current`]: on the server the language of the request being answered, in the browser
//! the page's.

use crate::i18n::*;
pub use crate::i18n::{resolve, Locale, COOKIE};

#[cfg(feature = "ssr")]
tokio::task_local! {
    static REQUEST_LOCALE: Locale;
}

#[cfg(not(feature = "ssr"))]
thread_local! {
    static PAGE_LOCALE: std::cell::Cell<Locale> = std::cell::Cell::new(Locale::default());
}

/// The language messages are written in here and now.
pub fn current() -> Locale {
    #[cfg(feature = "ssr")]
    {
        REQUEST_LOCALE.try_with(|l| *l).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        PAGE_LOCALE.with(|l| l.get())
    }
}

/// Runs `work` answering in `locale` (the server's request layer and write jobs use it).
#[cfg(feature = "ssr")]
pub async fn scope<F: std::future::Future>(locale: Locale, work: F) -> F::Output {
    REQUEST_LOCALE.scope(locale, work).await
}

/// [`scope`] for blocking work (a file parsed on a blocking thread).
#[cfg(feature = "ssr")]
pub fn scope_sync<R>(locale: Locale, work: impl FnOnce() -> R) -> R {
    REQUEST_LOCALE.sync_scope(locale, work)
}

/// Follows the page's language switch, so errors built in the browser use it.
#[cfg(not(feature = "ssr"))]
pub fn set_page_locale(locale: Locale) {
    PAGE_LOCALE.with(|l| l.set(locale));
}

/// How long ago `then_ms` was, seen at `now_ms` ("il y a 12 s", "12 s ago", "à l'instant").
pub fn relative_time(now_ms: i64, then_ms: i64, locale: Locale) -> String {
    let secs = ((now_ms - then_ms).max(0) / 1000) as u64;
    match secs {
        0..=4 => td_string!(locale, common.time.just_now).to_string(),
        5..=59 => td_string!(locale, common.time.seconds_ago, n = secs).to_string(),
        60..=3_599 => td_string!(locale, common.time.minutes_ago, n = secs / 60).to_string(),
        3_600..=86_399 => td_string!(locale, common.time.hours_ago, n = secs / 3_600).to_string(),
        _ => td_string!(locale, common.time.days_ago, n = secs / 86_400).to_string(),
    }
}

/// An amount in euros as the locale writes it: "1 234,50 €" / "€1,234.50".
pub fn money(cents: i64, locale: Locale) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let units = (cents / 100).unsigned_abs();
    let rest = (cents % 100).unsigned_abs();
    let (group, decimal) = match locale {
        Locale::fr => ('\u{202f}', ','),
        Locale::en => (',', '.'),
    };
    let digits = units.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(group);
        }
        grouped.push(c);
    }
    match locale {
        Locale::fr => format!("{sign}{grouped}{decimal}{rest:02}\u{a0}€"),
        Locale::en => format!("{sign}€{grouped}{decimal}{rest:02}"),
    }
}

/// A size in bytes as the locale writes it: "12,3 Ko" / "12.3 KB" (1024-based).
pub fn file_size(bytes: u64, locale: Locale) -> String {
    let units: [&str; 4] = match locale {
        Locale::fr => ["o", "Ko", "Mo", "Go"],
        Locale::en => ["B", "KB", "MB", "GB"],
    };
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let text = if unit == 0 {
        format!("{bytes}")
    } else {
        format!("{value:.1}")
    };
    let text = match locale {
        Locale::fr => text.replace('.', ","),
        Locale::en => text,
    };
    format!("{text}\u{a0}{}", units[unit])
}

/// A duration as the locale writes it: "350 ms", "1,2 s" / "1.2 s", "2 min 05 s".
pub fn duration(ms: i64, locale: Locale) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms}\u{a0}ms");
    }
    if ms < 60_000 {
        let text = format!("{:.1}", ms as f64 / 1000.0);
        let text = match locale {
            Locale::fr => text.replace('.', ","),
            Locale::en => text,
        };
        return format!("{text}\u{a0}s");
    }
    let secs = ms / 1000;
    format!("{}\u{a0}min {:02}\u{a0}s", secs / 60, secs % 60)
}

/// A moment's day as `YYYY-MM-DD` (UTC).
pub fn iso_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A day as the locale writes it: "2 déc. 2026" / "2 Dec 2026" (UTC).
pub fn date(ms: i64, locale: Locale) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    day_text(y, m, d, locale)
}

/// A moment as the locale writes it, to the minute (UTC): "6 déc. 2026 à 14:05" /
/// "6 Dec 2026, 14:05".
pub fn date_time(ms: i64, locale: Locale) -> String {
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    let (h, m) = (minutes / 60, minutes % 60);
    match locale {
        Locale::fr => format!("{} à {h:02}:{m:02}", date(ms, locale)),
        Locale::en => format!("{}, {h:02}:{m:02}", date(ms, locale)),
    }
}

/// The time of day of a moment, "14:02" (UTC, as [`date_time`]).
pub fn time_of_day(ms: i64, _locale: Locale) -> String {
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A stored "YYYY-MM-DD" as the locale writes it; `None` if it is not such a day.
pub fn iso_day(text: &str, locale: Locale) -> Option<String> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| day_text(y, m, d, locale))
}

fn day_text(y: i64, m: u32, d: u32, locale: Locale) -> String {
    let month = match locale {
        Locale::fr => [
            "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
            "nov.", "déc.",
        ][m as usize - 1],
        Locale::en => [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ][m as usize - 1],
    };
    format!("{d} {month} {y}")
}

/// Days since 1970-01-01 to (year, month, day): Howard Hinnant's civil_from_days.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_in_both_languages() {
        assert_eq!(file_size(512, Locale::fr), "512\u{a0}o");
        assert_eq!(file_size(12_595, Locale::fr), "12,3\u{a0}Ko");
        assert_eq!(file_size(12_595, Locale::en), "12.3\u{a0}KB");
        assert_eq!(file_size(3 * 1024 * 1024, Locale::en), "3.0\u{a0}MB");
        assert_eq!(duration(350, Locale::en), "350\u{a0}ms");
        assert_eq!(duration(1_250, Locale::fr), "1,2\u{a0}s");
        assert_eq!(duration(125_000, Locale::en), "2\u{a0}min 05\u{a0}s");
    }

    #[test]
    fn relative_times_in_both_languages() {
        let t = 1_000_000_000;
        assert_eq!(relative_time(t + 2_000, t, Locale::en), "just now");
        assert_eq!(relative_time(t + 2_000, t, Locale::fr), "à l’instant");
        assert_eq!(relative_time(t + 12_400, t, Locale::en), "12 s ago");
        assert_eq!(relative_time(t + 12_400, t, Locale::fr), "il y a 12 s");
        assert_eq!(relative_time(t + 125_000, t, Locale::en), "2 min ago");
        assert_eq!(relative_time(t + 3 * 3_600_000, t, Locale::en), "3 h ago");
        assert_eq!(
            relative_time(t + 2 * 86_400_000, t, Locale::fr),
            "il y a 2 j"
        );
        // A clock slightly behind the server's never shows a negative age.
        assert_eq!(relative_time(t, t + 5_000, Locale::en), "just now");
    }

    #[test]
    fn money_as_each_language_writes_it() {
        assert_eq!(money(123_450, Locale::fr), "1\u{202f}234,50\u{a0}€");
        assert_eq!(money(123_450, Locale::en), "€1,234.50");
        assert_eq!(money(5, Locale::en), "€0.05");
        assert_eq!(money(-450, Locale::fr), "-4,50\u{a0}€");
    }

    #[test]
    fn moments_as_each_language_writes_them() {
        // 2026-12-10T14:05:00Z
        assert_eq!(
            date_time(1_796_911_500_000, Locale::fr),
            "10 déc. 2026 à 14:05"
        );
        assert_eq!(
            date_time(1_796_911_500_000, Locale::en),
            "10 Dec 2026, 14:05"
        );
    }

    #[test]
    fn stored_days_as_each_language_writes_them() {
        assert_eq!(
            iso_day("2026-12-02", Locale::fr).as_deref(),
            Some("2 déc. 2026")
        );
        assert_eq!(
            iso_day("2026-03-15", Locale::en).as_deref(),
            Some("15 Mar 2026")
        );
        for bad in ["", "2026-13-01", "26-12-02", "2026-12-2x", "hello"] {
            assert_eq!(iso_day(bad, Locale::en), None, "{bad}");
        }
    }

    #[test]
    fn dates_as_each_language_writes_them() {
        // 2026-12-02T10:00:00Z
        let ms = 1_796_205_600_000;
        assert_eq!(date(ms, Locale::fr), "2 déc. 2026");
        assert_eq!(date(ms, Locale::en), "2 Dec 2026");
        assert_eq!(date(0, Locale::en), "1 Jan 1970");
    }
}
