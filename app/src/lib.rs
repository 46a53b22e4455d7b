//! Reseller Console UI: the Leptos application shared by the server (feature `ssr`)
//! and the browser (feature `hydrate`).

pub mod api;
pub mod components;
pub mod domain;
pub mod pages;
mod shell;

#[cfg(feature = "ssr")]
pub mod services;

pub use shell::{shell, App};

/// Entry point of the wasm bundle: attaches the already server-rendered page.
///
/// Asynchronous because the page on screen may be one whose code is a lazily loaded chunk
/// (see `pages::lazy`): hydration waits for that chunk rather than failing to find the view.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document()
            .body()
            .expect("a server-rendered page has a body");
        let owner = leptos::mount::hydrate_from_async(body.clone(), App).await;
        // The app lives as long as the page.
        owner.forget();
        // Lets tests (and curious operators) tell a hydrated page from a server-rendered one.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
