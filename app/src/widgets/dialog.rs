//! The browser's own dialogs.

/// Ask the person to confirm; never confirmed outside a browser.
#[cfg(feature = "hydrate")]
pub fn confirm(message: &str) -> bool {
    leptos::prelude::window()
        .confirm_with_message(message)
        .unwrap_or(false)
}

#[cfg(not(feature = "hydrate"))]
pub fn confirm(_message: &str) -> bool {
    false
}
