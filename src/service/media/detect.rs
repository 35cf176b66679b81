//! What an upload is, read from its bytes alone: the accepted image, video, document and
//! slide types, with the ZIP inspection that tells slides from other archives.

use crate::domain::practice::MediaKind;

/// An accepted type: its media type, the extension we store it under, and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    pub media_type: &'static str,
    pub ext: &'static str,
    pub kind: MediaKind,
}

const fn accepted(media_type: &'static str, ext: &'static str, kind: MediaKind) -> Accepted {
    Accepted {
        media_type,
        ext,
        kind,
    }
}

const PPTX: Accepted = accepted(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
    MediaKind::Slides,
);
const ODP: Accepted = accepted(
    "application/vnd.oasis.opendocument.presentation",
    "odp",
    MediaKind::Slides,
);

/// Every type we accept. Anything else is refused.
pub const ACCEPTED: &[Accepted] = &[
    accepted("image/jpeg", "jpg", MediaKind::Image),
    accepted("image/png", "png", MediaKind::Image),
    accepted("image/webp", "webp", MediaKind::Image),
    accepted("image/gif", "gif", MediaKind::Image),
    accepted("image/avif", "avif", MediaKind::Image),
    accepted("video/mp4", "mp4", MediaKind::Video),
    accepted("video/webm", "webm", MediaKind::Video),
    accepted("application/pdf", "pdf", MediaKind::Document),
    PPTX,
    ODP,
];

pub(super) const ACCEPTED_HUMAN: &str =
    "images (JPEG, PNG, WebP, GIF, AVIF), videos (MP4, WebM), PDF and slides (PPTX, ODP)";

/// The type of `bytes`, from their content alone; `None` for anything we do not accept.
pub fn detect(bytes: &[u8]) -> Option<Accepted> {
    if bytes.starts_with(b"PK\x03\x04") {
        return detect_zip(bytes);
    }
    let found = infer::get(bytes)?;
    ACCEPTED
        .iter()
        .find(|a| a.media_type == found.mime_type())
        .copied()
}

/// Slides are ZIP containers. An ODP file starts with its uncompressed `mimetype` entry (the
/// OpenDocument rule, which `infer` checks); a PPTX file is an OOXML package (it has
/// `[Content_Types].xml`) whose main part is `ppt/presentation.xml`, whatever the order of its
/// entries. Packages carrying macros (`vbaProject.bin`) are refused, as is any other ZIP.
fn detect_zip(bytes: &[u8]) -> Option<Accepted> {
    if infer::odf::is_odp(bytes) {
        return Some(ODP);
    }
    let names = zip_entry_names(bytes)?;
    let has = |n: &[u8]| names.contains(&n);
    let macros = names.iter().any(|e| {
        e.rsplit(|b| *b == b'/')
            .next()
            .is_some_and(|last| last.eq_ignore_ascii_case(b"vbaProject.bin"))
    });
    (has(b"[Content_Types].xml") && has(b"ppt/presentation.xml") && !macros).then_some(PPTX)
}

/// The entry names of a ZIP archive, from its central directory; `None` when the archive is
/// malformed (or ZIP64, which no upload within our limits needs).
fn zip_entry_names(buf: &[u8]) -> Option<Vec<&[u8]>> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const CENTRAL: &[u8] = b"PK\x01\x02";
    let u16_at = |p: usize| -> Option<usize> {
        let b = buf.get(p..p + 2)?;
        Some(u16::from_le_bytes([b[0], b[1]]) as usize)
    };
    let u32_at = |p: usize| -> Option<usize> {
        let b = buf.get(p..p + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    // The end record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
    let last = buf.len().checked_sub(22)?;
    let first = last.saturating_sub(65535);
    let eocd = (first..=last)
        .rev()
        .find(|&i| &buf[i..i + 4] == EOCD && u16_at(i + 20) == Some(buf.len() - i - 22))?;
    let count = u16_at(eocd + 10)?;
    let cd_size = u32_at(eocd + 12)?;
    let cd_start = u32_at(eocd + 16)?;
    let cd_end = cd_start.checked_add(cd_size)?;
    if cd_end > eocd {
        return None;
    }
    let mut names = Vec::with_capacity(count);
    let mut p = cd_start;
    for _ in 0..count {
        if buf.get(p..p + 4)? != CENTRAL {
            return None;
        }
        let name_len = u16_at(p + 28)?;
        let extra_len = u16_at(p + 30)?;
        let comment_len = u16_at(p + 32)?;
        names.push(buf.get(p + 46..p + 46 + name_len)?);
        p += 46 + name_len + extra_len + comment_len;
        if p > cd_end {
            return None;
        }
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ZIP of empty stored entries with the given names (local headers and central directory).
    fn zip(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for n in names {
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 12]); // crc, sizes
            out.extend_from_slice(&(n.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(n.as_bytes());
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&(n.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(n.as_bytes());
        }
        let cd_start = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_start.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn pptx_is_recognised_whatever_the_entry_order() {
        let a = zip(&["[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml"]);
        assert_eq!(detect(&a), Some(PPTX));
        let b = zip(&[
            "ppt/slides/slide1.xml",
            "docProps/app.xml",
            "ppt/presentation.xml",
            "[Content_Types].xml",
        ]);
        assert_eq!(detect(&b), Some(PPTX));
    }

    #[test]
    fn other_zips_are_refused() {
        assert_eq!(detect(&zip(&["a.txt", "b.txt"])), None);
        assert_eq!(
            detect(&zip(&["[Content_Types].xml", "word/document.xml"])),
            None
        );
        assert_eq!(
            detect(&zip(&[
                "[Content_Types].xml",
                "ppt/presentation.xml",
                "ppt/vbaProject.bin"
            ])),
            None
        );
        assert_eq!(detect(b"PK\x03\x04 truncated"), None);
    }

    #[test]
    fn odp_by_its_mimetype_entry() {
        let mime = b"application/vnd.oasis.opendocument.presentation";
        let mut b = b"PK\x03\x04".to_vec();
        b.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        b.extend_from_slice(&[0; 4]);
        b.extend_from_slice(&(mime.len() as u32).to_le_bytes());
        b.extend_from_slice(&(mime.len() as u32).to_le_bytes());
        b.extend_from_slice(&8u16.to_le_bytes());
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(b"mimetype");
        b.extend_from_slice(mime);
        assert_eq!(detect(&b), Some(ODP));
    }

    #[test]
    fn text_is_refused_and_images_are_known() {
        assert_eq!(detect(b"hello, this is not a picture\n"), None);
        assert_eq!(detect(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        assert_eq!(detect(png).map(|a| a.media_type), Some("image/png"));
        assert_eq!(
            detect(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n").map(|a| a.kind),
            Some(MediaKind::Document)
        );
    }
}
