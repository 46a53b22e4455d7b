//! Server-rendered forms are live before the page's code arrives: a person can change a select
//! or a radio while the wasm is still downloading, and the browser keeps that choice in the
//! element, not in the URL the page was rendered from. A form whose fields follow such a
//! control must start from what the control shows when the code arrives, or the fields it
//! hides and shows disagree with the choice on screen.

use leptos::prelude::*;

/// Runs `adopt` once, as soon as every element it reads has been hydrated.
///
/// `adopt` reads the controls through their `NodeRef`s (each `None` until hydration has
/// reached it), copies what they show into the form's signals, and answers `None` while one is
/// still missing. Effects run only in the browser, so on the server this does nothing.
pub fn adopt_controls(adopt: impl Fn() -> Option<()> + 'static) {
    Effect::new(move |adopted: Option<bool>| {
        if adopted == Some(true) {
            return true;
        }
        adopt().is_some()
    });
}
