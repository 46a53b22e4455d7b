use leptos::prelude::*;

use crate::api::session::get_me;
use crate::domain::{OperatorView, Permission};

/// The signed-in operator, loaded once per page and shared through context. Blocking, so the
/// server renders role-dependent parts (and the 403 status) before sending anything.
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<Option<OperatorView>, crate::api::ApiError>>);

impl Me {
    pub fn provide() {
        provide_context(Me(Resource::new_blocking(|| (), |_| get_me())));
    }

    pub fn get() -> Me {
        expect_context::<Me>()
    }

    /// `Some(operator)` once loaded and signed in.
    pub fn operator(&self) -> Option<OperatorView> {
        self.0.get().and_then(|loaded| loaded.ok().flatten())
    }

    pub fn allows(&self, permission: Permission) -> bool {
        self.operator().is_some_and(|op| op.role.allows(permission))
    }
}

/// Renders `children` only for operators allowed `permission`; others see why, with a 403.
///
/// The page is made once, in a `Suspend` that waits for the operator: a `move ||` closure here
/// would be run again by each server-side pass over the Suspense (its dry run, the re-check
/// after loading, the render), and each run would make the page anew, with new resources,
/// so every read (the database, SendGrid) was made three times per page view.
#[component]
pub fn Guarded(permission: Permission, children: Children) -> impl IntoView {
    let me = Me::get();
    let page = Suspend::new(async move {
        match me.0.await.ok().flatten() {
            Some(op) if op.role.allows(permission) => children().into_any(),
            Some(op) => {
                #[cfg(feature = "ssr")]
                if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                    response.set_status(http::StatusCode::FORBIDDEN);
                }
                view! {
                    <section class="empty-state" aria-labelledby="forbidden-title">
                        <p class="empty-state-code" aria-hidden="true">"403"</p>
                        <h1 id="forbidden-title">"Not available to your role"</h1>
                        <p>{format!("You are signed in as {} ({}). Ask an admin if you need this page.", op.email, op.role.label())}</p>
                    </section>
                }
                .into_any()
            }
            None => view! {
                <section class="empty-state">
                    <h1>"Sign in to continue"</h1>
                    <p><a class="button" href="/login">"Sign in"</a></p>
                </section>
            }
            .into_any(),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
            {page}
        </Suspense>
    }
}
