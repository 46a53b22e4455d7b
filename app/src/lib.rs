//! Reseller Console UI: the Leptos application shared by the server (feature `ssr`)
//! and the browser (feature `hydrate`).

// Leptos view types nest as deep as the page; the release build's layout queries go past 128.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod pages;
mod shell;

#[cfg(feature = "ssr")]
pub mod services;

pub use shell::{shell, App};

/// Entry point of the wasm bundle: attaches the already server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Lets tests (and curious operators) tell a hydrated page from a server-rendered one.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
