//! Property tests of what meets untrusted input first at the inbox: the `Signature` header
//! parser, the `Digest` check and the activity envelope. Arbitrary input never panics and
//! never verifies.

use std::{sync::OnceLock, time::SystemTime};

use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use url::Url;

use super::{
    protocol::activities::{Envelope, Incoming},
    signatures::{digest_header, precheck, sign_post, verify, SignatureError, SignatureHeader},
};
use crate::crypto::{generate_keypair, Signer, Verifier};

/// One key pair for every case (generating one costs far more than a case).
fn keys() -> &'static (Signer, Verifier) {
    static KEYS: OnceLock<(Signer, Verifier)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let kp = generate_keypair().expect("keys");
        (
            Signer::from_pem(&kp.private_pem).expect("signer"),
            Verifier::from_pem(&kp.public_pem).expect("verifier"),
        )
    })
}

fn inbox() -> Url {
    Url::parse("http://localhost:8081/inbox").expect("url")
}

/// The headers of a genuine signed POST of `body` at `now`.
fn signed(body: &[u8], now: SystemTime) -> HeaderMap {
    let hs = sign_post(&keys().0, "http://a/actor#main-key", &inbox(), body, now).expect("sign");
    let mut map = HeaderMap::new();
    for (k, v) in hs {
        map.insert(k, HeaderValue::from_str(&v).expect("value"));
    }
    map
}

/// Signature parameters as senders write them, with values anywhere from sensible to absurd
/// (numbers past any date, empty lists, unknown names, stray quotes): mostly a header that
/// parses, so the checks after parsing see arbitrary values too.
fn signature_header() -> impl Strategy<Value = String> {
    let number = || {
        prop_oneof![
            any::<u64>().prop_map(|n| n.to_string()),
            (0u64..4_000_000_000).prop_map(|n| n.to_string()),
            "[0-9-]{0,25}",
        ]
    };
    let key_id = "[ -~]{0,40}".prop_map(|v| format!("keyId=\"{v}\""));
    let covered = prop_oneof![
        Just("(request-target) host date digest".to_string()),
        Just("(request-target) (created) digest".to_string()),
        Just("(request-target) (created) (expires) digest".to_string()),
        "[ -~]{0,60}",
    ]
    .prop_map(|v| format!("headers=\"{v}\""));
    let signature = "[A-Za-z0-9+/=]{0,80}".prop_map(|v| format!("signature=\"{v}\""));
    let optional = prop_oneof![
        number().prop_map(|v| format!("created={v}")),
        number().prop_map(|v| format!("expires={v}")),
        prop_oneof![Just("rsa-sha256"), Just("hs2019"), Just("ed25519")]
            .prop_map(|v| format!("algorithm=\"{v}\"")),
        "[ -~]{0,30}",
    ];
    let structured = (
        key_id.clone(),
        covered.clone(),
        signature.clone(),
        prop::collection::vec(optional.clone(), 0..4),
    )
        .prop_map(|(k, h, s, mut rest)| {
            rest.extend([k, h, s]);
            rest
        })
        .prop_shuffle();
    let loose = prop::collection::vec(prop_oneof![key_id, covered, signature, optional], 0..8);
    prop_oneof![3 => structured, 1 => loose].prop_map(|ps| ps.join(","))
}

/// A request: some of the usual headers with arbitrary ASCII values, and a signature.
fn request_headers() -> impl Strategy<Value = HeaderMap> {
    let name = prop_oneof![
        Just("date"),
        Just("digest"),
        Just("host"),
        Just("content-type"),
        Just("x-other"),
    ];
    (
        signature_header(),
        prop::collection::vec((name, "[ -~]{0,60}"), 0..5),
    )
        .prop_map(|(sig, others)| {
            let mut map = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_str(&sig) {
                map.insert("signature", v);
            }
            for (k, v) in others {
                if let Ok(v) = HeaderValue::from_str(&v) {
                    map.append(HeaderName::from_static(k), v);
                }
            }
            map
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_signature_header_parses_or_is_refused_without_panicking(s in "\\PC{0,200}") {
        let _ = SignatureHeader::parse(&s);
    }

    #[test]
    fn arbitrary_requests_never_verify(
        headers in request_headers(),
        body in prop::collection::vec(any::<u8>(), 0..256),
        method in prop_oneof![Just("POST"), Just("GET")],
        path in "/[ -~]{0,30}",
        genuine_digest_and_date in any::<bool>(),
    ) {
        let now = SystemTime::now();
        let mut headers = headers;
        if genuine_digest_and_date {
            // So that the checks after the digest (dates, coverage) see arbitrary input too.
            headers.insert("digest", HeaderValue::from_str(&digest_header(&body)).expect("value"));
            headers.insert(
                "date",
                HeaderValue::from_str(&httpdate::fmt_http_date(now)).expect("value"),
            );
        }
        if let Ok(sig) = precheck(&headers, &body, now) {
            prop_assert!(verify(&sig, method, &path, &headers, &keys().1).is_err());
        }
        // Also with the date check passed: the parsed header alone never verifies.
        for raw in headers.get_all("signature") {
            if let Ok(sig) = raw.to_str().map_err(|_| ()).and_then(|s| SignatureHeader::parse(s).map_err(|_| ())) {
                prop_assert!(verify(&sig, method, &path, &headers, &keys().1).is_err());
            }
        }
    }

    #[test]
    fn a_digest_passes_only_for_the_body_it_was_computed_from(
        value in prop_oneof![
            "[ -~]{0,80}",
            "[A-Za-z0-9+/=]{0,44}".prop_map(|v| format!("SHA-256={v}")),
            "[A-Za-z0-9+/=]{0,44}".prop_map(|v| format!("sha-256={v},SHA-512=x")),
        ],
        body in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let now = SystemTime::now();
        let mut headers = signed(&body, now);
        let Ok(v) = HeaderValue::from_str(&value) else { return Ok(()) };
        headers.insert("digest", v);
        let expected = digest_header(&body);
        let genuine = expected.trim_start_matches("SHA-256=");
        match precheck(&headers, &body, now) {
            Ok(_) => prop_assert!(value.contains(genuine), "{value} passed for {expected}"),
            Err(e) => prop_assert_eq!(e, SignatureError::Digest),
        }
    }

    #[test]
    fn a_signed_request_changed_anywhere_does_not_verify(
        body in prop::collection::vec(any::<u8>(), 1..256),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        path in "/[a-z]{1,10}",
    ) {
        let now = SystemTime::now();
        let headers = signed(&body, now);
        // The body changed after signing: the digest no longer matches.
        let mut changed = body.clone();
        let i = at.index(changed.len());
        changed[i] ^= flip;
        prop_assert_eq!(precheck(&headers, &changed, now), Err(SignatureError::Digest));
        // The body and its digest changed together: the signature no longer matches.
        let mut rewritten = headers.clone();
        rewritten.insert(
            "digest",
            HeaderValue::from_str(&digest_header(&changed)).expect("value"),
        );
        let sig = precheck(&rewritten, &changed, now).expect("digest and date pass");
        prop_assert_eq!(
            verify(&sig, "POST", "/inbox", &rewritten, &keys().1),
            Err(SignatureError::Invalid)
        );
        // Another path than the one signed.
        if path != "/inbox" {
            let sig = precheck(&headers, &body, now).expect("genuine");
            prop_assert!(verify(&sig, "POST", &path, &headers, &keys().1).is_err());
        }
    }

    #[test]
    fn any_body_reads_as_an_envelope_or_is_refused_without_panicking(
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            envelope_like().prop_map(String::into_bytes),
        ],
        kind in prop_oneof![
            Just("Follow"), Just("Accept"), Just("Reject"), Just("Undo"), Just("Create"),
            Just("Update"), Just("Delete"), Just("Announce"), Just("Like"),
        ],
    ) {
        let _ = serde_json::from_slice::<Envelope>(&body);
        if let Ok(text) = std::str::from_utf8(&body) {
            let _ = Incoming::parse(kind, text);
        }
    }
}

/// JSON objects shaped like activities, with fields of the right and the wrong types.
fn envelope_like() -> impl Strategy<Value = String> {
    let url = prop_oneof![
        Just(serde_json::json!("https://a.example/x")),
        Just(serde_json::json!({"id": "https://a.example/actor"})),
        Just(serde_json::json!(["https://a.example/x"])),
        Just(serde_json::json!(null)),
        Just(serde_json::json!(7)),
        "[ -~]{0,30}".prop_map(serde_json::Value::String),
    ];
    (url.clone(), url.clone(), url, "[A-Za-z]{0,10}").prop_map(|(id, actor, object, kind)| {
        serde_json::json!({"id": id, "type": kind, "actor": actor, "object": object}).to_string()
    })
}

#[test]
fn absurd_dates_are_stale_not_a_panic() {
    let now = SystemTime::now();
    let body = b"{}";
    let mut headers = signed(body, now);
    for (created, expires) in [
        (u64::MAX.to_string(), "1".to_string()),
        ("1700000000".to_string(), u64::MAX.to_string()),
    ] {
        let sig = format!(
            "keyId=\"k\",headers=\"(request-target) (created) digest\",created={created},expires={expires},signature=\"AA==\""
        );
        headers.insert("signature", HeaderValue::from_str(&sig).expect("value"));
        assert_eq!(precheck(&headers, body, now), Err(SignatureError::Stale));
    }
}
