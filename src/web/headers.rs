//! Security headers on every response: a Content-Security-Policy on pages (scripts, styles
//! and media only from this instance, no inline script or style, never framed), `nosniff`,
//! a `Referrer-Policy`, and HSTS when the public URL is https. A tower layer, so no handler
//! can forget them; a response that set its own policy (media files) keeps it.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue},
    response::Response,
};

use crate::config::Config;

/// The policy of every HTML page. `default-src 'none'` refuses whatever is not listed, and
/// nothing listed allows `'unsafe-inline'`: an injected `<script>` or `style=` does not run.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; media-src 'self'; font-src 'self' data:; connect-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The policy of other responses (JSON, ActivityPub documents) that set none: they load
/// nothing and are never framed.
pub const DOCUMENT_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Pages never send their address to other sites (a citizen's reading stays private); our
/// own pages still see where a visitor came from.
pub const REFERRER_POLICY: &str = "same-origin";

/// One year, as browsers' preload lists expect; sent only over https.
pub const HSTS: &str = "max-age=31536000";

/// The layer: `router.layer(SecurityHeaders::new(&config))`.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeaders {
    hsts: bool,
}

impl SecurityHeaders {
    pub fn new(config: &Config) -> Self {
        Self {
            hsts: config.public_url.scheme() == "https",
        }
    }

    /// Adds the headers to a response's `headers`.
    pub fn apply(&self, h: &mut HeaderMap) {
        let html = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
        if html {
            // A page's policy is ours whatever a handler set.
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(PAGE_CSP),
            );
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        } else if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(DOCUMENT_CSP),
            );
        }
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static(REFERRER_POLICY),
        );
        if self.hsts {
            h.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static(HSTS),
            );
        }
    }
}

impl<S> tower::Layer<S> for SecurityHeaders {
    type Service = WithSecurityHeaders<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WithSecurityHeaders {
            inner,
            headers: *self,
        }
    }
}

/// A service whose responses get [`SecurityHeaders`].
#[derive(Debug, Clone)]
pub struct WithSecurityHeaders<S> {
    inner: S,
    headers: SecurityHeaders,
}

impl<S, B> tower::Service<Request> for WithSecurityHeaders<S>
where
    S: tower::Service<Request, Response = Response<B>>,
    S::Future: Send + 'static,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<B>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let headers = self.headers;
        let response = self.inner.call(req);
        Box::pin(async move {
            let mut res = response.await?;
            headers.apply(res.headers_mut());
            Ok(res)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_of(content_type: &str, https: bool) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        SecurityHeaders { hsts: https }.apply(&mut h);
        h
    }

    #[test]
    fn pages_allow_no_inline_code_and_no_framing() {
        let h = headers_of("text/html; charset=utf-8", false);
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::REFERRER_POLICY], REFERRER_POLICY);
        assert!(h.get(header::STRICT_TRANSPORT_SECURITY).is_none());
        let h = headers_of("text/html", true);
        assert_eq!(h[header::STRICT_TRANSPORT_SECURITY], HSTS);
        let at = |u: &str| Config::for_url(url::Url::parse(u).unwrap(), std::env::temp_dir());
        assert!(SecurityHeaders::new(&at("https://prassi.example")).hsts);
        assert!(!SecurityHeaders::new(&at("http://localhost:8080")).hsts);
    }

    #[test]
    fn a_policy_a_response_set_is_kept_unless_it_is_a_page() {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox"),
        );
        SecurityHeaders { hsts: false }.apply(&mut h);
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], "sandbox");
        let h = headers_of("application/activity+json", false);
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], DOCUMENT_CSP);
    }
}
