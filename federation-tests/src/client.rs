//! A typed client of the Prassi API, as scripts and other platforms would use it.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use url::Url;

#[derive(Clone)]
pub struct ApiClient {
    pub base: Url,
    token: Option<String>,
    http: reqwest::Client,
}

/// A non-2xx answer: status and the JSON error body.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

impl ApiClient {
    pub fn new(base: Url, token: Option<String>) -> Self {
        Self {
            base,
            token,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        }
    }

    /// The bearer token this client sends, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ApiError> {
        let url = self.base.join(path).expect("path");
        let mut req = self.http.request(method, url);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        let body: Value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        if status.is_success() {
            Ok(body)
        } else {
            Err(ApiError { status, body })
        }
    }

    /// Creates a draft practice with `record` (its media uploaded here first, see
    /// [`Self::own_media`]); returns its view.
    pub async fn draft(&self, record: Value) -> Value {
        let record = self.own_media(record).await;
        self.call(Method::POST, "/api/v1/practices", Some(record))
            .await
            .expect("draft")
    }

    /// `record` with every medium that is not an upload of this instance replaced by a small
    /// file of its kind uploaded now: an instance takes only its own uploads, and the
    /// examples' media point elsewhere.
    pub async fn own_media(&self, mut record: Value) -> Value {
        let ours = format!("{}/media/", self.base.as_str().trim_end_matches('/'));
        let Some(media) = record.get_mut("media").and_then(Value::as_array_mut) else {
            return record;
        };
        for m in media {
            if m["url"].as_str().is_some_and(|u| u.starts_with(&ours)) {
                continue;
            }
            let (bytes, name) = match m["kind"].as_str() {
                Some("image") => (TINY_PNG, "picture.png"),
                Some("video") => (TINY_MP4, "clip.mp4"),
                _ => (TINY_PDF, "document.pdf"),
            };
            let v = self
                .upload_media(bytes.to_vec(), name, "application/octet-stream", None)
                .await
                .expect("upload a medium of the record");
            m["url"] = v["url"].clone();
        }
        record
    }

    /// Creates a draft with `record` and publishes it; returns the published view.
    pub async fn publish(&self, record: Value) -> Value {
        let id = self.draft(record).await["id"].as_i64().expect("id");
        self.call(
            Method::POST,
            &format!("/api/v1/practices/{id}/publish"),
            None,
        )
        .await
        .expect("publish")
    }

    pub async fn follow(&self, target: &str) -> Result<Value, ApiError> {
        self.call(
            Method::POST,
            "/api/v1/follows",
            Some(json!({ "target": target })),
        )
        .await
    }

    /// Follows `target` (a URL) and waits (bounded) until the follow is accepted.
    pub async fn follow_accepted(&self, target: &str) -> Value {
        self.follow(target).await.expect("follow");
        crate::eventually(
            Duration::from_secs(30),
            "the follow is accepted",
            || async {
                self.follows()
                    .await
                    .into_iter()
                    .find(|f| f["state"] == "accepted" && f["target"] == target)
            },
        )
        .await
    }

    pub async fn follows(&self) -> Vec<Value> {
        let v = self
            .call(Method::GET, "/api/v1/follows", None)
            .await
            .expect("list follows");
        v.as_array().cloned().unwrap_or_default()
    }

    pub async fn unfollow(&self, id: i64) -> Result<Value, ApiError> {
        self.call(Method::DELETE, &format!("/api/v1/follows/{id}"), None)
            .await
    }

    pub async fn federation(&self) -> Value {
        self.call(Method::GET, "/api/v1/admin/federation", None)
            .await
            .expect("federation state")
    }

    /// Uploads a file as `POST /api/v1/media` multipart: part `file` with the given name and
    /// content type (which the server ignores), and an optional `description`.
    pub async fn upload_media(
        &self,
        bytes: Vec<u8>,
        file_name: &str,
        content_type: &str,
        description: Option<&str>,
    ) -> Result<Value, ApiError> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name.to_string())
            .mime_str(content_type)
            .expect("content type");
        let mut form = reqwest::multipart::Form::new().part("file", part);
        if let Some(d) = description {
            form = form.text("description", d.to_string());
        }
        let mut req = self
            .http
            .post(self.base.join("/api/v1/media").expect("path"))
            .multipart(form);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("upload");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if status.is_success() {
            Ok(body)
        } else {
            Err(ApiError { status, body })
        }
    }

    /// Waits (bounded) until the instance has nothing left to send or apply right now.
    pub async fn drain(&self) -> Value {
        self.call(
            Method::POST,
            "/api/v1/admin/federation/drain?timeout_ms=15000",
            None,
        )
        .await
        .expect("drain")
    }
}

/// A 1×1 PNG.
pub const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// An empty one-page-tree PDF.
pub const TINY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// An MP4 header: `ftyp` (isom) and an empty `mdat`.
pub const TINY_MP4: &[u8] = &[
    0, 0, 0, 24, b'f', b't', b'y', b'p', b'i', b's', b'o', b'm', 0, 0, 2, 0, b'i', b's', b'o',
    b'm', b'm', b'p', b'4', b'1', 0, 0, 0, 8, b'm', b'd', b'a', b't',
];
