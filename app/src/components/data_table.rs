//! What every list screen shows: a table of records, the pager beside it and, when there is
//! nothing to list, an empty state that says why and what to do.

use leptos::prelude::*;

/// A plain column heading.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    label: &'static str,
    numeric: bool,
    /// Read by screen readers only (a column of buttons needs a name, not a visible one).
    unseen: bool,
}

impl Column {
    pub const fn new(label: &'static str) -> Column {
        Column {
            label,
            numeric: false,
            unseen: false,
        }
    }

    /// Right-aligned, as numbers are.
    pub const fn numeric(self) -> Column {
        Column {
            numeric: true,
            ..self
        }
    }

    pub const fn unseen(self) -> Column {
        Column {
            unseen: true,
            ..self
        }
    }
}

/// The header cells of `columns`, for [`DataTable`]'s `head`.
pub fn headings(columns: &[Column]) -> AnyView {
    columns
        .iter()
        .map(|column| {
            let class = column.numeric.then_some("num");
            let label = if column.unseen {
                view! { <span class="visually-hidden">{column.label}</span> }.into_any()
            } else {
                column.label.into_any()
            };
            view! { <th scope="col" class=class>{label}</th> }
        })
        .collect_view()
        .into_any()
}

/// A table of records: it scrolls sideways inside its wrapper on a narrow screen, and its
/// caption tells a screen reader what the rows are.
#[component]
pub fn DataTable(
    #[prop(into)] caption: String,
    #[prop(optional)] class: &'static str,
    /// The header row's cells: [`headings`] for plain ones.
    head: AnyView,
    /// The rows.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class=(!class.is_empty()).then_some(class)>
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>{head}</tr></thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// The links to the pages beside this one; a direction with no page is shown, not linked, so
/// the links keep their places.
#[component]
pub fn Pager(
    /// What the pages are, for screen readers ("Audit log pages").
    #[prop(into)]
    label: String,
    previous: Option<String>,
    next: Option<String>,
    #[prop(default = "Previous")] previous_text: &'static str,
    #[prop(default = "Next")] next_text: &'static str,
    /// The first page, when this is not it.
    #[prop(default = None)]
    first: Option<String>,
    #[prop(default = "First")] first_text: &'static str,
    /// Where this page is ("Page 2 of 9"), when the count is known.
    #[prop(default = None)]
    position: Option<String>,
) -> impl IntoView {
    let link = |href: Option<String>, text: &'static str, rel: &'static str| match href {
        Some(href) => view! { <a rel=rel href=href>{text}</a> }.into_any(),
        None => view! { <span class="pager-off" aria-hidden="true">{text}</span> }.into_any(),
    };
    view! {
        <nav class="pager" aria-label=label>
            {first.map(|href| view! { <a href=href>{first_text}</a> })}
            {link(previous, previous_text, "prev")}
            {position.map(|text| view! { <span class="pager-where">{text}</span> })}
            {link(next, next_text, "next")}
        </nav>
    }
}

/// Nothing to list: a heading saying so, then why and what to do (the children).
#[component]
pub fn EmptyState(
    /// The heading's id, which names the section.
    id: &'static str,
    #[prop(into)] title: String,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="empty-state" aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {children()}
        </section>
    }
}
