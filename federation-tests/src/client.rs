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

    /// Creates a draft practice with `record`; returns its view.
    pub async fn draft(&self, record: Value) -> Value {
        self.call(Method::POST, "/api/v1/practices", Some(record))
            .await
            .expect("draft")
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
