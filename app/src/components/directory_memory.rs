//! The directory as the operator left it: its search, filters, sort and page, so every
//! "Customers" link (navigation, breadcrumb) leads back to the same list after opening a
//! customer, and after a reload of another page in the same tab (the browser's session
//! storage). The server renders plain `/customers`; the remembered list replaces it once the
//! page's code runs.

use leptos::prelude::*;

use crate::domain::directory::DirectoryQuery;

#[cfg(feature = "hydrate")]
const STORAGE_KEY: &str = "rc-directory";

#[derive(Clone, Copy)]
pub struct DirectoryMemory(RwSignal<String>);

impl DirectoryMemory {
    /// Once, in the shell.
    pub fn provide() {
        let memory = DirectoryMemory(RwSignal::new("/customers".to_string()));
        #[cfg(feature = "hydrate")]
        Effect::new(move |_| {
            let stored = web_sys::window()
                .and_then(|w| w.session_storage().ok().flatten())
                .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
            if let Some(href) = stored.filter(|h| h.starts_with("/customers")) {
                memory.0.set(href);
            }
        });
        provide_context(memory);
    }

    pub fn get() -> DirectoryMemory {
        use_context().unwrap_or_else(|| DirectoryMemory(RwSignal::new("/customers".to_string())))
    }

    /// Where "Customers" leads now.
    pub fn href(self) -> String {
        self.0.get()
    }

    /// Called by the directory each time its query changes.
    pub fn remember(self, query: &DirectoryQuery) {
        let href = query.href();
        #[cfg(feature = "hydrate")]
        if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
            let _ = storage.set_item(STORAGE_KEY, &href);
        }
        self.0.set(href);
    }
}
