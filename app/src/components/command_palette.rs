//! The keyboard's way around: Ctrl/Cmd-K opens "Go to" (a screen, a customer by username,
//! email or account id as you type, or a tab of the customer in view), `/` focuses the page's
//! search, `?` lists the shortcuts, Escape closes the dialog or the "…" disclosure open.
//!
//! Both dialogs are native `<dialog>`s opened modal, so focus stays inside and Escape closes
//! them. Pages keep their links and forms: without JavaScript there is nothing here to miss.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use super::me::Me;
use crate::api::customers::jump_to_customer;
use crate::domain::{encode_component, Permission};

/// Wait this long after the last keystroke before asking the directory.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Every screen "Go to" offers, with who may open it.
const SCREENS: [(&str, &str, Permission); 10] = [
    ("Dashboard", "/", Permission::ReadCustomers),
    ("Customers", "/customers", Permission::ReadCustomers),
    ("Scheduled changes", "/scheduled", Permission::ReadCustomers),
    ("Approvals", "/approvals", Permission::ReadCustomers),
    ("Audit log", "/audit", Permission::ReadAudit),
    ("Bulk changes", "/bulk", Permission::ChangeAccounts),
    ("Operators", "/operators", Permission::ManageOperators),
    (
        "SendGrid connection",
        "/connection",
        Permission::ManageSettings,
    ),
    (
        "Notifications",
        "/notifications",
        Permission::ManageSettings,
    ),
    (
        "Change password",
        "/account/password",
        Permission::ReadCustomers,
    ),
];

/// The customer's tabs, offered while a customer's page is in view.
const TABS: [(&str, &str); 4] = [
    ("Plan", "plan"),
    ("Limits", "limits"),
    ("Offerings", "offerings"),
    ("History", "history"),
];

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    label: String,
    hint: &'static str,
    href: String,
}

/// The keys, as the `?` dialog lists them.
const SHORTCUTS: [(&str, &str); 5] = [
    (
        "Ctrl K or ⌘ K",
        "Go to a screen, a customer, or a tab of the customer in view",
    ),
    (
        "/",
        "Search on this page (Go to where the page has no search)",
    ),
    ("?", "This list"),
    ("↑ ↓ then Enter", "Choose in Go to"),
    ("Esc", "Close the dialog or the open “…” panel"),
];

/// The customer whose page is in view (`/customers/:user/...`), decoded.
fn customer_in_view(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/customers/")?;
    let key = rest.split('/').next().filter(|k| !k.is_empty())?;
    Some(
        percent_encoding::percent_decode_str(key)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

fn static_entries(typed: &str, me: Me, path: &str) -> Vec<Entry> {
    let typed = typed.trim().to_lowercase();
    let matches = |label: &str| typed.is_empty() || label.to_lowercase().contains(&typed);
    let mut entries = Vec::new();
    if let Some(customer) = customer_in_view(path) {
        for (tab, segment) in TABS {
            let label = format!("{tab} of {customer}");
            if matches(&label) {
                entries.push(Entry {
                    href: format!("/customers/{}/{segment}", encode_component(&customer)),
                    label,
                    hint: "this customer",
                });
            }
        }
    }
    entries.extend(
        SCREENS
            .into_iter()
            .filter(|(label, _, permission)| me.allows(*permission) && matches(label))
            .map(|(label, href, _)| Entry {
                label: label.to_string(),
                hint: "screen",
                href: href.to_string(),
            }),
    );
    entries
}

#[component]
pub fn CommandPalette() -> impl IntoView {
    let me = Me::get();
    let location = use_location();
    let navigate = use_navigate();
    let palette = NodeRef::<html::Dialog>::new();
    let shortcuts = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let typed = RwSignal::new(String::new());
    let customers = RwSignal::new(Vec::<Entry>::new());
    let active = RwSignal::new(0usize);
    // The opener is shown once the page's code runs: without it, it could not open anything.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));

    let entries = Memo::new(move |_| {
        let mut all = static_entries(&typed.get(), me, &location.pathname.get());
        all.extend(customers.get());
        all
    });
    let open = move || {
        if let Some(dialog) = palette.get_untracked() {
            typed.set(String::new());
            customers.set(Vec::new());
            active.set(0);
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
            if let Some(input) = input.get_untracked() {
                input.set_value("");
                let _ = input.focus();
            }
        }
    };
    let close = move || {
        if let Some(dialog) = palette.get_untracked() {
            close_dialog(&dialog);
        }
    };
    let go = {
        let navigate = navigate.clone();
        move |href: String| {
            close();
            navigate(&href, Default::default());
        }
    };

    // Asks the directory once the typing pauses; an answer to older typing is dropped.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        active.set(0);
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if text.trim().chars().count() < 2 {
            customers.set(Vec::new());
            return;
        }
        let ask = move || {
            leptos::task::spawn_local(async move {
                let found = jump_to_customer(text.clone()).await.unwrap_or_default();
                if typed.get_untracked() == text {
                    customers.set(
                        found
                            .into_iter()
                            .map(|row| Entry {
                                label: format!("{} ({})", row.display_name(), row.key),
                                hint: "customer",
                                href: format!("/customers/{}", encode_component(&row.key)),
                            })
                            .collect(),
                    );
                }
            });
        };
        pending.set_value(set_timeout_with_handle(ask, DEBOUNCE).ok());
    };
    let on_keydown = {
        let go = go.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let count = entries.with_untracked(Vec::len);
            match ev.key().as_str() {
                "ArrowDown" if count > 0 => {
                    ev.prevent_default();
                    active.update(|i| *i = (*i + 1) % count);
                }
                "ArrowUp" if count > 0 => {
                    ev.prevent_default();
                    active.update(|i| *i = (*i + count - 1) % count);
                }
                "Enter" => {
                    ev.prevent_default();
                    let chosen =
                        entries.with_untracked(|all| all.get(active.get_untracked()).cloned());
                    if let Some(entry) = chosen {
                        go(entry.href);
                    }
                }
                _ => {}
            }
        }
    };

    let global = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = is_typing(&ev);
        let key = ev.key();
        if (ev.ctrl_key() || ev.meta_key()) && key.eq_ignore_ascii_case("k") {
            ev.prevent_default();
            open();
        } else if key == "/" && !typing && !in_dialog(&ev) {
            ev.prevent_default();
            if !focus_page_search() {
                open();
            }
        } else if key == "?" && !typing && !in_dialog(&ev) {
            ev.prevent_default();
            if let Some(dialog) = shortcuts.get_untracked() {
                let _ = dialog.show_modal();
            }
        } else if key == "Escape" && !any_modal_open() {
            close_open_disclosure();
        }
    });
    on_cleanup(move || global.remove());

    view! {
        <button type="button" class="button button-ghost palette-opener" hidden=move || !ready.get()
            aria-keyshortcuts="Control+K Meta+K" title="Go to… (Ctrl K)" on:click=move |_| open()>
            <span class="visually-hidden">"Go to… "</span><kbd>"Ctrl K"</kbd>
        </button>
        <dialog node_ref=palette class="palette" aria-labelledby="palette-title" on:keydown=close_on_escape>
            <h2 id="palette-title" class="visually-hidden">"Go to"</h2>
            <input node_ref=input type="text" class="palette-input" role="combobox"
                aria-label="Go to a screen or a customer" placeholder="A screen, or a customer's username, email or account id"
                aria-autocomplete="list" aria-controls="palette-list" aria-expanded="true"
                aria-activedescendant=move || (!entries.with(Vec::is_empty)).then(|| format!("palette-option-{}", active.get()))
                autocomplete="off" on:input=on_input on:keydown=on_keydown />
            <ul id="palette-list" role="listbox" aria-label="Results" class="palette-list">
                {move || entries.get().into_iter().enumerate().map(|(i, entry)| {
                    let href = entry.href.clone();
                    let go = go.clone();
                    view! {
                        <li id=format!("palette-option-{i}") role="option" aria-selected=move || (active.get() == i).to_string()
                            class:is-active=move || active.get() == i
                            on:mousemove=move |_| active.set(i)
                            on:click=move |_| go(href.clone())>
                            <span>{entry.label.clone()}</span>
                            <span class="hint">{entry.hint}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || (entries.with(Vec::is_empty)).then(|| view! {
                <p class="hint palette-empty" role="status">"Nothing matches. Type part of a screen's name, or two letters of a customer."</p>
            })}
            <p class="hint palette-keys">"↑ ↓ to choose, Enter to open, Esc to close, ? for every shortcut"</p>
        </dialog>
        <dialog node_ref=shortcuts class="shortcuts" aria-labelledby="shortcuts-title" on:keydown=close_on_escape>
            <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
            <dl>
                {SHORTCUTS.into_iter().map(|(keys, what)| view! {
                    <dt><kbd>{keys}</kbd></dt>
                    <dd>{what}</dd>
                }).collect_view()}
            </dl>
            <form method="dialog">
                <button type="submit" class="button">"Close"</button>
            </form>
        </dialog>
    }
}

/// Escape closes the dialog at once. Left to the browser, the dialog closes in a task of its
/// own, and a key pressed straight after (`?` right after leaving Go to) still went to the
/// closing dialog's field.
fn close_on_escape(ev: leptos::ev::KeyboardEvent) {
    use leptos::wasm_bindgen::JsCast;
    if ev.key() != "Escape" {
        return;
    }
    if let Some(dialog) = ev
        .current_target()
        .and_then(|target| target.dyn_into::<leptos::web_sys::HtmlDialogElement>().ok())
    {
        ev.prevent_default();
        close_dialog(&dialog);
    }
}

/// Closes the dialog and takes the focus out of it. A dialog opened while nothing had the focus
/// has no element to give it back to, so the focus stayed on its field, now hidden, until the
/// browser's next rendering fixed it up: a `?` pressed before then counted as typing.
fn close_dialog(dialog: &leptos::web_sys::HtmlDialogElement) {
    use leptos::wasm_bindgen::JsCast;
    dialog.close();
    if let Some(focused) = document()
        .active_element()
        .filter(|element| dialog.contains(Some(element)))
        .and_then(|element| element.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    {
        let _ = focused.blur();
    }
}

/// Whether the key goes into a field (then `/` and `?` are text, not shortcuts).
fn is_typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|target| target.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        .is_some_and(|element| {
            matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || element.is_content_editable()
        })
}

/// Whether the key was pressed inside a dialog. A modal dialog keeps the focus inside it, so a
/// key from outside means none is open, even while one closing still reads as open (the browser
/// closes it on Escape in a task of its own).
fn in_dialog(ev: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|target| target.dyn_into::<leptos::web_sys::Element>().ok())
        .and_then(|element| element.closest("dialog").ok().flatten())
        .is_some()
}

fn any_modal_open() -> bool {
    document()
        .query_selector("dialog[open]")
        .ok()
        .flatten()
        .is_some()
}

/// Focuses the page's own search field, if it has one.
fn focus_page_search() -> bool {
    use leptos::wasm_bindgen::JsCast;
    document()
        .query_selector("main [role=search] input:not([type=hidden])")
        .ok()
        .flatten()
        .and_then(|field| field.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        .map(|field| field.focus().is_ok())
        .unwrap_or(false)
}

/// Closes the "…" disclosure (`<details>`) holding the focus, or else the first one open, and
/// gives the focus back to its summary.
fn close_open_disclosure() {
    use leptos::wasm_bindgen::JsCast;
    let document = document();
    let holding_focus = document
        .active_element()
        .and_then(|element| element.closest("details[open]").ok().flatten());
    let open =
        holding_focus.or_else(|| document.query_selector("main details[open]").ok().flatten());
    if let Some(details) = open {
        let _ = details.remove_attribute("open");
        if let Some(summary) = details
            .query_selector("summary")
            .ok()
            .flatten()
            .and_then(|summary| summary.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = summary.focus();
        }
    }
}
