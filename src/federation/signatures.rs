//! HTTP signatures (draft-cavage, `rsa-sha256`/`hs2019`) with the `Digest` header: signing our
//! deliveries and verifying what arrives at our inboxes. The library still signs our GET fetches.

use std::time::{Duration, SystemTime};

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use http::{HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use url::Url;

use crate::{
    config::host_port,
    crypto::{Signer, Verifier},
};

/// How far a request's date may lie in the past (Mastodon uses the same window).
const MAX_AGE: Duration = Duration::from_secs(12 * 3600);
/// How far in the future a sender's clock may run.
const MAX_SKEW: Duration = Duration::from_secs(3600);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("the request is not signed")]
    Missing,
    #[error("malformed Signature header: {0}")]
    Malformed(&'static str),
    #[error("the Digest header is missing or does not match the body")]
    Digest,
    #[error("the request date is missing, unreadable, too old or in the future")]
    Stale,
    #[error("the signature does not cover {0}")]
    Uncovered(&'static str),
    #[error("signed header {0} is absent from the request")]
    AbsentHeader(String),
    #[error("the signature does not match the key")]
    Invalid,
}

/// `SHA-256=<base64>` of a body.
pub fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", B64.encode(Sha256::digest(body)))
}

/// The headers to add to a POST of `body` to `url`, signed by `key_id`.
pub fn sign_post(
    signer: &Signer,
    key_id: &str,
    url: &Url,
    body: &[u8],
    now: SystemTime,
) -> Result<Vec<(&'static str, String)>, crate::crypto::CryptoError> {
    sign_post_digest(signer, key_id, url, &digest_header(body), now)
}

/// As [`sign_post`], for a body whose `Digest` header is already computed.
pub fn sign_post_digest(
    signer: &Signer,
    key_id: &str,
    url: &Url,
    digest: &str,
    now: SystemTime,
) -> Result<Vec<(&'static str, String)>, crate::crypto::CryptoError> {
    let date = httpdate::fmt_http_date(now);
    let host = host_port(url);
    let digest = digest.to_string();
    let target = request_target("post", url);
    let signing =
        format!("(request-target): {target}\nhost: {host}\ndate: {date}\ndigest: {digest}");
    let sig = signer.sign_b64(signing.as_bytes())?;
    let signature = format!(
        "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{sig}\""
    );
    Ok(vec![
        ("host", host),
        ("date", date),
        ("digest", digest),
        ("signature", signature),
    ])
}

fn request_target(method: &str, url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{method} {}?{q}", url.path()),
        None => format!("{method} {}", url.path()),
    }
}

/// The parts of a `Signature` header we use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    pub key_id: String,
    pub headers: Vec<String>,
    pub signature: String,
    pub created: Option<String>,
    pub expires: Option<String>,
}

impl SignatureHeader {
    /// Parses `keyId="…",headers="…",signature="…"` (order-free, algorithm ignored: the key decides).
    pub fn parse(value: &str) -> Result<Self, SignatureError> {
        let mut key_id = None;
        let mut headers = None;
        let mut signature = None;
        let mut created = None;
        let mut expires = None;
        for part in split_params(value) {
            let (k, v) = part
                .split_once('=')
                .ok_or(SignatureError::Malformed("parameter without ="))?;
            let v = v.trim().trim_matches('"').to_string();
            match k.trim() {
                "keyId" => key_id = Some(v),
                "headers" => headers = Some(v),
                "signature" => signature = Some(v),
                "created" => created = Some(v),
                "expires" => expires = Some(v),
                "algorithm" if !matches!(v.as_str(), "rsa-sha256" | "hs2019") => {
                    return Err(SignatureError::Malformed("unsupported algorithm"));
                }
                _ => {}
            }
        }
        Ok(Self {
            key_id: key_id.ok_or(SignatureError::Malformed("no keyId"))?,
            headers: headers
                .unwrap_or_else(|| "date".into())
                .split_whitespace()
                .map(str::to_ascii_lowercase)
                .collect(),
            signature: signature.ok_or(SignatureError::Malformed("no signature"))?,
            created,
            expires,
        })
    }

    /// The actor URL the key belongs to, by convention the key id without its fragment.
    pub fn key_owner_guess(&self) -> Option<Url> {
        let mut u = Url::parse(&self.key_id).ok()?;
        u.set_fragment(None);
        Some(u)
    }
}

/// Splits on commas that are outside quotes (base64 has no commas, but be safe).
fn split_params(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Everything of an incoming request that is checked before any key is looked up:
/// presence and shape of the signature, the body digest and the date window.
pub fn precheck(
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<SignatureHeader, SignatureError> {
    let raw = headers
        .get("signature")
        .ok_or(SignatureError::Missing)?
        .to_str()
        .map_err(|_| SignatureError::Malformed("not ASCII"))?;
    let sig = SignatureHeader::parse(raw)?;
    let covers = |h: &str| sig.headers.iter().any(|x| x == h);
    if !covers("(request-target)") {
        return Err(SignatureError::Uncovered("(request-target)"));
    }
    if !covers("digest") {
        return Err(SignatureError::Uncovered("digest"));
    }
    if !(covers("date") || covers("(created)")) {
        return Err(SignatureError::Uncovered("date"));
    }
    check_digest(headers.get("digest"), body)?;
    check_date(headers, &sig, now)?;
    Ok(sig)
}

fn check_digest(value: Option<&HeaderValue>, body: &[u8]) -> Result<(), SignatureError> {
    let value = value
        .and_then(|v| v.to_str().ok())
        .ok_or(SignatureError::Digest)?;
    let expected = B64.encode(Sha256::digest(body));
    // Several digests may be listed; the SHA-256 one must be there and match.
    let ok = value.split(',').any(|d| {
        d.trim()
            .split_once('=')
            .is_some_and(|(alg, v)| alg.eq_ignore_ascii_case("sha-256") && v == expected)
    });
    ok.then_some(()).ok_or(SignatureError::Digest)
}

fn check_date(
    headers: &HeaderMap,
    sig: &SignatureHeader,
    now: SystemTime,
) -> Result<(), SignatureError> {
    let when = if let Some(c) = &sig.created {
        epoch_secs(c)?
    } else {
        let d = headers
            .get("date")
            .and_then(|v| v.to_str().ok())
            .ok_or(SignatureError::Stale)?;
        httpdate::parse_http_date(d).map_err(|_| SignatureError::Stale)?
    };
    if let Some(e) = &sig.expires {
        if epoch_secs(e)? < now {
            return Err(SignatureError::Stale);
        }
    }
    let too_old = now.duration_since(when).is_ok_and(|age| age > MAX_AGE);
    let too_new = when.duration_since(now).is_ok_and(|ahead| ahead > MAX_SKEW);
    if too_old || too_new {
        return Err(SignatureError::Stale);
    }
    Ok(())
}

/// A `created` or `expires` parameter (seconds since the epoch) as a time; a number past
/// what the clock can hold is as stale as an unreadable one, never an overflow.
fn epoch_secs(value: &str) -> Result<SystemTime, SignatureError> {
    let secs: u64 = value.parse().map_err(|_| SignatureError::Stale)?;
    SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .ok_or(SignatureError::Stale)
}

/// Rebuilds the signing string from the request and checks it against the key.
pub fn verify(
    sig: &SignatureHeader,
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    key: &Verifier,
) -> Result<(), SignatureError> {
    let mut lines = Vec::with_capacity(sig.headers.len());
    for name in &sig.headers {
        let value = match name.as_str() {
            "(request-target)" => format!("{} {}", method.to_ascii_lowercase(), path_and_query),
            "(created)" => sig.created.clone().unwrap_or_default(),
            "(expires)" => sig.expires.clone().unwrap_or_default(),
            h => {
                let vals: Vec<&str> = headers
                    .get_all(h)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .map(str::trim)
                    .collect();
                if vals.is_empty() {
                    return Err(SignatureError::AbsentHeader(h.to_string()));
                }
                vals.join(", ")
            }
        };
        lines.push(format!("{name}: {value}"));
    }
    let signing = lines.join("\n");
    if key.verify_b64(signing.as_bytes(), &sig.signature) {
        Ok(())
    } else {
        Err(SignatureError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::generate_keypair;

    fn signed(body: &[u8], now: SystemTime) -> (HeaderMap, Verifier, Signer) {
        let kp = generate_keypair().unwrap();
        let signer = Signer::from_pem(&kp.private_pem).unwrap();
        let url = Url::parse("http://localhost:8081/inbox").unwrap();
        let hs = sign_post(&signer, "http://a/actor#main-key", &url, body, now).unwrap();
        let mut map = HeaderMap::new();
        for (k, v) in hs {
            map.insert(k, HeaderValue::from_str(&v).unwrap());
        }
        (map, Verifier::from_pem(&kp.public_pem).unwrap(), signer)
    }

    #[test]
    fn round_trip() {
        let now = SystemTime::now();
        let (h, v, _) = signed(b"{}", now);
        let sig = precheck(&h, b"{}", now).unwrap();
        assert_eq!(sig.key_id, "http://a/actor#main-key");
        verify(&sig, "POST", "/inbox", &h, &v).unwrap();
        // The path is covered.
        assert_eq!(
            verify(&sig, "POST", "/other", &h, &v),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn tampered_body_unsigned_and_stale_are_refused() {
        let now = SystemTime::now();
        let (h, _, _) = signed(b"{}", now);
        assert_eq!(precheck(&h, b"{ }", now), Err(SignatureError::Digest));
        assert_eq!(
            precheck(&HeaderMap::new(), b"{}", now),
            Err(SignatureError::Missing)
        );
        let old = now - Duration::from_secs(2 * 24 * 3600);
        let (h, _, _) = signed(b"{}", old);
        assert_eq!(precheck(&h, b"{}", now), Err(SignatureError::Stale));
    }

    #[test]
    fn parses_hs2019_with_created() {
        let s = SignatureHeader::parse(
            r#"keyId="https://x/u#k", algorithm="hs2019", created=1700000000, headers="(request-target) (created) host digest", signature="YQ==""#,
        )
        .unwrap();
        assert_eq!(s.created.as_deref(), Some("1700000000"));
        assert_eq!(s.headers[1], "(created)");
        assert_eq!(s.key_owner_guess().unwrap().as_str(), "https://x/u");
    }
}
