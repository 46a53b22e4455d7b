use leptos::prelude::*;

use super::ApiError;

use crate::domain::OperatorView;

/// The signed-in operator, or `None`. Anyone may ask.
#[server(endpoint = "get_me")]
pub async fn get_me() -> Result<Option<OperatorView>, ApiError> {
    use crate::services::auth::CurrentOperator;
    Ok(use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentOperator>().cloned())
        .and_then(|current| current.0))
}
