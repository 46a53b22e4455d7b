use leptos::prelude::*;

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="footer">
            <span>"Reseller Console"</span>
            <span class="footer-version">{concat!("Version ", env!("CARGO_PKG_VERSION"))}</span>
        </footer>
    }
}
