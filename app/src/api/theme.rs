use leptos::prelude::*;

use super::ApiError;

use crate::domain::Theme;

/// Remembers the operator's theme in a cookie. Works as a plain form POST without JavaScript.
#[server(endpoint = "set_theme")]
pub async fn set_theme(theme: String) -> Result<Theme, ApiError> {
    let theme = Theme::parse(&theme).ok_or_else(|| {
        super::fail(ApiError::Invalid(
            "Unknown theme: choose system, light or dark.".into(),
        ))
    })?;
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Strict",
        Theme::COOKIE,
        theme.as_str()
    );
    if let Ok(value) = http::HeaderValue::from_str(&cookie) {
        response.append_header(http::header::SET_COOKIE, value);
    }
    Ok(theme)
}
