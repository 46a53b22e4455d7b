//! The directory's freshness and "Refresh from SendGrid", with live progress while a sync runs.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::customers::{directory_progress, RefreshDirectory};
use crate::domain::directory::{format_utc, SyncProgress, SyncStatus};

#[component]
pub fn SyncPanel(status: SyncStatus, synced: RwSignal<u32>) -> impl IntoView {
    let refresh = ServerAction::<RefreshDirectory>::new();
    let progress = RwSignal::new(status.running);
    let following = StoredValue::new(false);

    // Reads the progress stream until the sync ends, then reloads the directory. Browser only:
    // without JavaScript the page shows the progress it was rendered with and a reload link.
    let follow = move || {
        if following.get_value() {
            return;
        }
        following.set_value(true);
        leptos::task::spawn_local(async move {
            if let Ok(stream) = directory_progress().await {
                use futures::StreamExt;
                let mut stream = stream.into_inner();
                let mut buffer = String::new();
                while let Some(Ok(chunk)) = stream.next().await {
                    buffer.push_str(&chunk);
                    while let Some(end) = buffer.find("\n\n") {
                        let event: String = buffer.drain(..end + 2).collect();
                        let line = event.trim().strip_prefix("data: ").unwrap_or_default();
                        if let Some(next) = SyncProgress::from_line(line) {
                            progress.set(Some(next));
                        }
                    }
                }
            }
            following.set_value(false);
            progress.set(None);
            synced.update(|n| *n += 1);
        });
    };
    Effect::new(move |_| {
        if progress.get_untracked().is_some() {
            follow();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(after)) = refresh.value().get() {
            match after.running {
                Some(running) => {
                    progress.set(Some(running));
                    follow();
                }
                // Already finished: just read the new directory.
                None => synced.update(|n| *n += 1),
            }
        }
    });

    let freshness = match &status.last_success_at {
        Some(at) => format!(
            "Synced from SendGrid {} · {} customer{}",
            format_utc(at),
            status.customers,
            if status.customers == 1 { "" } else { "s" }
        ),
        None => "Not synced from SendGrid yet".to_string(),
    };
    let failure = status.failed_last().then(|| {
        let when = status.last_failure_at.as_deref().map(format_utc).unwrap_or_default();
        let why = status.last_failure.clone().unwrap_or_default();
        let kept = if status.last_success_at.is_some() {
            " The directory below is from the last good sync."
        } else {
            ""
        };
        view! {
            <p class="notice notice-warn" role="alert">{format!("The sync at {when} failed: {why}.{kept}")}</p>
        }
    });
    let notes = status
        .last_notes
        .clone()
        .map(|notes| view! { <p class="sync-notes">{notes}</p> });

    view! {
        <section class="sync-panel" aria-label="Directory sync">
            <p class="sync-time">{freshness}</p>
            {failure}
            {notes}
            {move || refresh.value().get().and_then(Result::err).map(|error| view! {
                <p class="notice notice-error" role="alert">{error.to_string()}</p>
            })}
            {move || match progress.get() {
                Some(running) => view! { <SyncProgressBar progress=running /> }.into_any(),
                None => view! {
                    <ActionForm action=refresh attr:class="inline-form">
                        <button type="submit" class="button button-secondary" disabled=move || refresh.pending().get()>
                            "Refresh from SendGrid"
                        </button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SyncProgressBar(progress: SyncProgress) -> impl IntoView {
    let (value, max) = progress
        .fraction()
        .map(|(done, total)| (Some(done), Some(total)))
        .unwrap_or((None, None));
    view! {
        <div class="sync-progress" role="status">
            <label for="sync-progress-bar">"Refreshing from SendGrid"</label>
            <progress id="sync-progress-bar" value=value max=max></progress>
            <span class="sync-progress-text">{progress.describe()}</span>
            <a class="sync-reload" href="/customers">"Reload to check"</a>
        </div>
    }
}
