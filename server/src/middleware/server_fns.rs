//! Answers for server-function calls (`/api/*`) the framework would get wrong: it reports a
//! body cut off at the size limit, and arguments it cannot decode (a missing field, a word
//! where a number goes), as a 500 "error deserializing". Both are the caller's mistake.

use axum::{
    body::Body,
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::body_limit::{too_large, BODY_LIMIT};

pub async fn server_fns(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    // Read the whole body first: only a `Content-Length` is checked before the handler, so a
    // chunked body past the limit would otherwise fail half-way through decoding.
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return too_large();
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    arguments_refused_is_400(response).await
}

/// A 500 whose body says the arguments could not be decoded becomes a 400 with the same
/// body, which the browser's decoder still reads. Other 500s pass untouched.
async fn arguments_refused_is_400(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "The console could not finish its answer.",
        )
            .into_response();
    };
    if refuses_arguments(&String::from_utf8_lossy(&bytes)) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The framework's wording for undecodable arguments, in its text encoding (`Args|...`) and
/// inside the JSON-encoded error enums.
fn refuses_arguments(body: &str) -> bool {
    body.starts_with("Args|")
        || body.starts_with("MissingArg|")
        || body.contains("error deserializing server function arguments")
        || body.contains("missing argument ")
}

#[cfg(test)]
mod tests {
    use super::refuses_arguments;

    #[test]
    fn only_argument_errors_are_the_callers() {
        assert!(refuses_arguments("Args|missing field `user`"));
        assert!(refuses_arguments(
            r#"{"Unavailable":"error deserializing server function arguments: missing field `user`"}"#
        ));
        assert!(!refuses_arguments(
            "ServerError|The audit log is unavailable; try again."
        ));
    }
}
