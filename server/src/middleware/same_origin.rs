//! Cross-site request forgery defence: a state-changing request must say it comes from
//! this site (`Origin`, or `Referer` when a browser omits Origin). Cookies are SameSite=Strict
//! too; this is the second lock.

use axum::{
    extract::Request,
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

pub async fn same_origin(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if is_same_origin(&request) {
        next.run(request).await
    } else {
        (
            StatusCode::FORBIDDEN,
            "Refused: this request did not come from the console's own pages.",
        )
            .into_response()
    }
}

fn is_same_origin(request: &Request) -> bool {
    let Some(host) = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let claimed = request
        .headers()
        .get(header::ORIGIN)
        .or_else(|| request.headers().get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match claimed {
        Some(url) => {
            authority_of(url).is_some_and(|authority| authority.eq_ignore_ascii_case(host))
        }
        None => false,
    }
}

/// `host[:port]` of an absolute http(s) URL.
fn authority_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    (!authority.is_empty() && !authority.contains('@')).then_some(authority)
}

#[cfg(test)]
mod tests {
    use super::authority_of;

    #[test]
    fn authority_is_taken_from_origin_and_referer_forms() {
        assert_eq!(
            authority_of("http://127.0.0.1:3000"),
            Some("127.0.0.1:3000")
        );
        assert_eq!(
            authority_of("https://console.example/customers?q=a"),
            Some("console.example")
        );
        assert_eq!(authority_of("null"), None);
        assert_eq!(authority_of("http://evil@console.example/"), None);
    }
}
