//! Media uploads: typed by their content, stored atomically, served with long-lived caching;
//! refusals leave nothing behind.

use federation_tests::{client::ApiClient, Options, TestInstance};
use prassi::domain::actor::Role;
use reqwest::{header, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

// ---- tiny but real files, built here ----------------------------------------------------

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A valid `w`×`h` RGB PNG, uncompressed (zlib stored blocks), so its size is predictable.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            raw.extend_from_slice(&[(x * 40) as u8, (y * 40) as u8, 0x80]);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(&mut out, b"IDAT", &z);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
      2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n\
      trailer << /Root 1 0 R >>\n%%EOF\n"
        .to_vec()
}

/// An MP4 header: `ftyp` (isom) then an empty `mdat`.
fn mp4() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&24u32.to_be_bytes());
    b.extend_from_slice(b"ftypisom");
    b.extend_from_slice(&0x200u32.to_be_bytes());
    b.extend_from_slice(b"isommp41");
    b.extend_from_slice(&8u32.to_be_bytes());
    b.extend_from_slice(b"mdat");
    b
}

/// A WebM header: the EBML header with DocType `webm`, then a Void element as padding.
fn webm() -> Vec<u8> {
    let mut b = vec![0x1a, 0x45, 0xdf, 0xa3, 0x9f];
    b.extend_from_slice(&[0x42, 0x86, 0x81, 0x01]); // EBMLVersion 1
    b.extend_from_slice(&[0x42, 0xf7, 0x81, 0x01]); // EBMLReadVersion 1
    b.extend_from_slice(&[0x42, 0xf2, 0x81, 0x04]); // EBMLMaxIDLength 4
    b.extend_from_slice(&[0x42, 0xf3, 0x81, 0x08]); // EBMLMaxSizeLength 8
    b.extend_from_slice(&[0x42, 0x82, 0x84]);
    b.extend_from_slice(b"webm"); // DocType
    b.extend_from_slice(&[0x42, 0x87, 0x81, 0x04]); // DocTypeVersion 4
    b.extend_from_slice(&[0x42, 0x85, 0x81, 0x02]); // DocTypeReadVersion 2
    b.extend_from_slice(&[0xec, 0x41, 0x00]); // Void, 256 bytes
    b.extend_from_slice(&[0; 256]);
    b
}

// ---- helpers ------------------------------------------------------------------------------

fn hex_sha256(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Files in the instance's media directory (none when it does not exist yet).
fn media_files(inst: &TestInstance) -> Vec<String> {
    match std::fs::read_dir(inst.config.data_dir.join("media")) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn manager(inst: &TestInstance, name: &str, org: &str) -> ApiClient {
    if prassi::db::actors::local_by_username(&inst.store(), org)
        .await
        .expect("db")
        .is_none()
    {
        inst.organization(org, "Comune di Test").await;
    }
    inst.user(name, Role::Manager, Some(org)).await.1
}

fn assert_refused(r: Result<Value, federation_tests::client::ApiError>, status: u16, code: &str) {
    let e = r.expect_err("should be refused");
    assert_eq!(e.status.as_u16(), status, "{:?}", e.body);
    assert_eq!(e.body["error"], code, "{:?}", e.body);
    assert!(e.body["message"].is_string(), "{:?}", e.body);
}

// ---- tests ----------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_typed_by_their_content_and_served_for_good() {
    let inst = TestInstance::start().await;
    let m = manager(&inst, "mara", "comune-test").await;
    let http = reqwest::Client::new();

    // The client's name and content type are wrong on purpose: only the bytes count.
    let png = png(3, 2);
    let v = m
        .upload_media(
            png.clone(),
            "holiday.txt",
            "application/octet-stream",
            Some("A tiny test picture"),
        )
        .await
        .expect("upload png");
    assert_eq!(v["kind"], "image");
    assert_eq!(v["media_type"], "image/png");
    assert_eq!(v["size"], png.len());
    let sha = hex_sha256(&png);
    assert_eq!(v["sha256"], sha.as_str());
    let url = v["url"].as_str().expect("url").to_string();
    let prefix = format!("{}/media/", inst.base.as_str().trim_end_matches('/'));
    assert!(url.starts_with(&prefix) && url.ends_with(".png"), "{url}");
    let file_name = url.trim_start_matches(&prefix).to_string();
    assert_eq!(media_files(&inst), vec![file_name.clone()]);

    // The record, by id.
    let id = v["id"].as_i64().expect("id");
    let got = m
        .call(reqwest::Method::GET, &format!("/api/v1/media/{id}"), None)
        .await
        .expect("get media");
    assert_eq!(got, v);

    // The file itself.
    let res = http.get(&url).send().await.expect("GET file");
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h[header::CONTENT_TYPE], "image/png");
    assert_eq!(
        h[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::ETAG], format!("\"{sha}\"").as_str());
    assert_eq!(h[header::CONTENT_DISPOSITION], "inline");
    assert_eq!(h[header::CONTENT_SECURITY_POLICY], "sandbox");
    assert_eq!(res.bytes().await.expect("body").as_ref(), png.as_slice());

    // Revalidation and ranges.
    let res = http
        .get(&url)
        .header(header::IF_NONE_MATCH, format!("\"{sha}\""))
        .send()
        .await
        .expect("conditional GET");
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    let res = http
        .get(&url)
        .header(header::RANGE, "bytes=0-7")
        .send()
        .await
        .expect("range GET");
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(res.bytes().await.expect("body").as_ref(), &png[..8]);

    // A PDF, an MP4 and a WebM; an admin may upload too.
    for (client, bytes, name, media_type, kind, ext) in [
        (
            &m,
            pdf(),
            "report.pdf",
            "application/pdf",
            "document",
            "pdf",
        ),
        (&m, mp4(), "clip.mov", "video/quicktime", "video", "mp4"),
        (
            &inst.admin,
            webm(),
            "clip.webm",
            "video/webm",
            "video",
            "webm",
        ),
    ] {
        let v = client
            .upload_media(bytes.clone(), name, media_type, None)
            .await
            .unwrap_or_else(|e| panic!("upload {name}: {e:?}"));
        assert_eq!(v["kind"], kind, "{name}");
        let expected = if ext == "mp4" {
            "video/mp4"
        } else {
            media_type
        };
        assert_eq!(v["media_type"], expected, "{name}");
        let url = v["url"].as_str().expect("url");
        assert!(url.ends_with(&format!(".{ext}")), "{url}");
        let res = http.get(url).send().await.expect("GET file");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_TYPE], expected);
        let h = res.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("csp");
        assert!(csp.contains("sandbox"), "{name}: {csp}");
        if kind == "document" {
            // Downloaded, never rendered in this instance's origin; sandboxed all the same.
            let file_name = url.rsplit('/').next().expect("file name");
            assert_eq!(
                h[header::CONTENT_DISPOSITION],
                format!("attachment; filename=\"{file_name}\"").as_str()
            );
            assert!(csp.contains("default-src 'none'"), "{csp}");
        } else {
            assert_eq!(h[header::CONTENT_DISPOSITION], "inline");
        }
        assert_eq!(res.bytes().await.expect("body").as_ref(), bytes.as_slice());
    }
    assert_eq!(inst.count("media").await, 4);
    assert_eq!(media_files(&inst).len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disguised_and_unknown_content_is_refused_and_leaves_nothing() {
    let inst = TestInstance::start().await;
    let m = manager(&inst, "mara", "comune-test").await;

    let text = b"Just some text pretending to be a picture.\n".repeat(10);
    let r = m.upload_media(text, "photo.png", "image/png", None).await;
    assert_refused(r, 415, "unsupported_media_type");
    // An SVG (scripts!) and a plain ZIP are not accepted either.
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let r = m
        .upload_media(svg.to_vec(), "logo.svg", "image/svg+xml", None)
        .await;
    assert_refused(r, 415, "unsupported_media_type");
    let r = m
        .upload_media(
            b"PK\x03\x04not really a zip".to_vec(),
            "slides.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            None,
        )
        .await;
    assert_refused(r, 415, "unsupported_media_type");
    assert_eq!(inst.count("media").await, 0);
    assert!(media_files(&inst).is_empty(), "{:?}", media_files(&inst));

    // No file part at all, or an empty one.
    let e = m
        .call(
            reqwest::Method::POST,
            "/api/v1/media",
            Some(serde_json::json!({})),
        )
        .await
        .expect_err("JSON is not a form");
    assert_eq!(e.status, StatusCode::BAD_REQUEST, "{:?}", e.body);
    let r = m
        .upload_media(Vec::new(), "empty.png", "image/png", None)
        .await;
    assert_refused(r, 422, "invalid");

    // Unknown names, and names that are not ours, are 404 JSON.
    let http = reqwest::Client::new();
    for path in [
        format!("/media/{}.png", uuid::Uuid::new_v4()),
        "/media/prassi.db".to_string(),
        "/media/..%2Fprassi.db".to_string(),
        "/media/%2E%2E%2Fprassi.db".to_string(),
    ] {
        let res = http
            .get(inst.base.join(&path).expect("url"))
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"], "not_found", "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_over_the_configured_limit_are_refused() {
    let inst = TestInstance::start_with(Options {
        tweak: |c| c.media_max_bytes = 1024,
        ..Default::default()
    })
    .await;
    let m = manager(&inst, "mara", "comune-test").await;

    let small = png(4, 4);
    assert!(small.len() < 1024);
    m.upload_media(small, "ok.png", "image/png", None)
        .await
        .expect("under the limit");

    // Just over the limit, and far over it (past the request body limit too).
    for (w, h) in [(24, 24), (200, 200)] {
        let big = png(w, h);
        assert!(big.len() > 1024);
        let r = m.upload_media(big, "big.png", "image/png", None).await;
        assert_refused(r, 413, "payload_too_large");
    }
    // A small file with a huge description: the request body limit answers, in JSON too.
    let huge = "x".repeat(100 * 1024);
    let r = m
        .upload_media(png(2, 2), "ok.png", "image/png", Some(&huge))
        .await;
    assert_refused(r, 413, "payload_too_large");
    // A description over 1500 characters is invalid.
    let long = "x".repeat(1501);
    let r = m
        .upload_media(png(2, 2), "ok.png", "image/png", Some(&long))
        .await;
    assert_refused(r, 422, "invalid");
    assert_eq!(inst.count("media").await, 1);
    assert_eq!(media_files(&inst).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_managers_and_admins_upload() {
    let inst = TestInstance::start().await;
    let (_, citizen) = inst.user("carla", Role::Citizen, None).await;
    let r = citizen
        .upload_media(png(1, 1), "me.png", "image/png", None)
        .await;
    assert_refused(r, 403, "forbidden");
    let anonymous = ApiClient::new(inst.base.clone(), None);
    let r = anonymous
        .upload_media(png(1, 1), "me.png", "image/png", None)
        .await;
    assert_refused(r, 401, "unauthorized");
    assert_eq!(inst.count("media").await, 0);
    assert!(media_files(&inst).is_empty());

    // A record is visible to its organisation and admins, not to others.
    let m = manager(&inst, "mara", "comune-test").await;
    let v = m
        .upload_media(png(2, 2), "a.png", "image/png", None)
        .await
        .expect("upload");
    let path = format!("/api/v1/media/{}", v["id"]);
    let colleague = manager(&inst, "marco", "comune-test").await;
    let other = manager(&inst, "olga", "comune-altro").await;
    for (who, ok) in [
        (&colleague, true),
        (&inst.admin, true),
        (&other, false),
        (&citizen, false),
    ] {
        let r = who.call(reqwest::Method::GET, &path, None).await;
        match (ok, r) {
            (true, Ok(got)) => assert_eq!(got, v),
            (false, Err(e)) => assert_eq!(e.status, StatusCode::NOT_FOUND),
            (ok, r) => panic!("expected visible={ok}, got {r:?}"),
        }
    }
    let e = anonymous
        .call(reqwest::Method::GET, &path, None)
        .await
        .expect_err("no token");
    assert_eq!(e.status, StatusCode::UNAUTHORIZED);

    // Both routes are described.
    let doc = anonymous
        .call(reqwest::Method::GET, "/api/openapi.json", None)
        .await
        .expect("openapi");
    let upload = &doc["paths"]["/api/v1/media"]["post"];
    assert!(
        upload["requestBody"]["content"]["multipart/form-data"].is_object(),
        "{upload}"
    );
    assert!(upload["responses"]["415"].is_object(), "{upload}");
    assert!(doc["paths"]["/api/v1/media/{id}"]["get"].is_object());
    assert!(doc["components"]["schemas"]["MediaView"].is_object());
}
