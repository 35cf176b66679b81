//! The pages' static files — Prassi's own stylesheet and script (`assets/web`) and the vendored
//! Bootstrap Italia (`assets/vendor`, see `scripts/update-bootstrap-italia.sh`) — embedded in
//! the binary by `build.rs` and served under `/static/{version}/…`. The version changes with
//! any file, so those URLs are cached for a year; text files are gzipped once, at first use.

use std::{collections::HashMap, sync::OnceLock};

use axum::{
    body::Body,
    extract::Path,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

pub use generated::VERSION;

/// The prefix of every static URL of this build: `/static/{version}`.
pub fn prefix() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(|| format!("/static/{VERSION}"))
}

/// The URL of an embedded file, by its path below `assets/` (`web/prassi.css`).
pub fn url(path: &str) -> String {
    format!("{}/{path}", prefix())
}

struct Asset {
    bytes: &'static [u8],
    gzip: Option<Vec<u8>>,
    content_type: &'static str,
}

fn table() -> &'static HashMap<&'static str, Asset> {
    static TABLE: OnceLock<HashMap<&'static str, Asset>> = OnceLock::new();
    TABLE.get_or_init(|| {
        generated::FILES
            .iter()
            .map(|&(path, bytes)| {
                let content_type = content_type(path);
                let gzip = compressible(content_type).then(|| gzip(bytes));
                (
                    path,
                    Asset {
                        bytes,
                        gzip,
                        content_type,
                    },
                )
            })
            .collect()
    })
}

/// Compresses the embedded table now rather than on the first page's request.
pub fn warm() {
    table();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    crate::http_util::gzip_at(bytes, flate2::Compression::best())
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ if path.ends_with("LICENSE") || path.ends_with("VERSION") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/") || content_type == "image/svg+xml"
}

/// `GET /static/{version}/{*path}`. A page cached from an older build may ask for another
/// version: it gets today's file, cached for a minute only.
pub async fn serve(Path((version, path)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let Some(asset) = table().get(path.as_str()) else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let etag = format!("\"{VERSION}\"");
    let cache = if version == VERSION {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=60"
    };
    let mut res = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match (&asset.gzip, crate::http_util::accepts_gzip(&headers)) {
            (Some(gz), true) => {
                let mut res = Response::new(Body::from(gz.clone()));
                res.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                res
            }
            _ => Response::new(Body::from(asset.bytes)),
        }
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icons_are_the_ones_the_pages_use_cut_from_the_sprite() {
        let icons = std::str::from_utf8(table()["web/icons.svg"].bytes).expect("text");
        let sprite = table()["vendor/bootstrap-italia/svg/sprites.svg"].bytes;
        for name in [
            "it-file",
            "it-search",
            "it-chevron-left",
            "it-close",
            "it-pa",
        ] {
            assert!(icons.contains(&format!("<symbol id=\"{name}\"")), "{name}");
        }
        assert!(!icons.contains("id=\"it-android\""), "an icon no page uses");
        assert!(icons.starts_with("<svg") && icons.ends_with("</svg>"));
        assert!(
            icons.len() * 10 < sprite.len(),
            "{} of {}",
            icons.len(),
            sprite.len()
        );
        assert_eq!(table()["web/icons.svg"].content_type, "image/svg+xml");
    }

    #[test]
    fn the_design_system_and_our_own_files_are_embedded() {
        for path in [
            "web/prassi.css",
            "vendor/bootstrap-italia/css/bootstrap-italia.min.css",
            "vendor/bootstrap-italia/svg/sprites.svg",
            "web/icons.svg",
            "vendor/bootstrap-italia/LICENSE",
            "vendor/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2",
        ] {
            assert!(table().contains_key(path), "{path} is not embedded");
        }
        let css = &table()["vendor/bootstrap-italia/css/bootstrap-italia.min.css"];
        let gz = css.gzip.as_ref().expect("css is compressed");
        assert!(
            gz.len() * 4 < css.bytes.len(),
            "{} → {}",
            css.bytes.len(),
            gz.len()
        );
        assert!(
            table()["vendor/bootstrap-italia/fonts/Lora/lora-v20-latin-ext_latin-700.woff2"]
                .gzip
                .is_none()
        );
    }
}
