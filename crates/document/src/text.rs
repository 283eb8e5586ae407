//! Plain text: detect the encoding from the bytes and decode.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

use crate::{Document, ReadError, SourceFormat};

/// Decodes plain text, detecting its encoding.
pub(crate) fn decode(name: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    let encoding = detect(bytes);
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors || looks_binary(&text) {
        return Err(ReadError::Binary {
            name: name.to_owned(),
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
    Ok(Document {
        text,
        format: SourceFormat::Text(encoding.name()),
    })
}

/// Picks the encoding: a byte-order mark, then valid UTF-8, then UTF-16 by the position of its
/// zero bytes, then a statistical guess among the Chinese encodings.
fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    if let Some(encoding) = utf16_by_content(bytes) {
        return encoding;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    if guess == encoding_rs::BIG5 {
        guess
    } else {
        // GBK is a subset of GB18030; decoding as GB18030 reads both.
        GB18030
    }
}

/// UTF-16 without a BOM: decoded as UTF-16, a Chinese text is almost all CJK, full-width
/// punctuation and ASCII; GBK or binary bytes read as UTF-16 are mostly not.
fn utf16_by_content(bytes: &[u8]) -> Option<&'static Encoding> {
    if !bytes.len().is_multiple_of(2) || bytes.len() < 4 {
        return None;
    }
    let sample = bytes.get(..bytes.len().min(64 * 1024))?;
    let score = |little: bool| {
        let units = sample.chunks_exact(2).map(|p| match p {
            [a, b] if little => u16::from_le_bytes([*a, *b]),
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => 0,
        });
        let mut good = 0usize;
        let mut total = 0usize;
        for u in units {
            total += 1;
            let plausible = matches!(u, 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x2000..=0x206F
                | 0x2160..=0x216F | 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF);
            good += usize::from(plausible);
        }
        good * 100 / total.max(1)
    };
    let (le, be) = (score(true), score(false));
    if le >= 90 && le >= be {
        Some(UTF_16LE)
    } else if be >= 90 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Text with NULs or many control characters is binary data that happened to decode.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(1 << 20) {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            control += 1;
        }
    }
    control > 0 && control * 100 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "一、总体要求\n至2030年，比例达到85%。（责任单位：市发展改革委）\n";

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("a.txt", SAMPLE.as_bytes()).unwrap();
        assert_eq!(plain.text, SAMPLE);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        assert_eq!(decode("a.txt", &bom).unwrap().text, SAMPLE);
    }

    #[test]
    fn gbk_is_detected() {
        let bytes = encode(encoding_rs::GBK, SAMPLE);
        assert!(std::str::from_utf8(&bytes).is_err());
        let doc = decode("a.txt", &bytes).unwrap();
        assert_eq!(doc.text, SAMPLE);
        assert_eq!(doc.format, SourceFormat::Text("gb18030"));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        for (encoding, bom) in [(UTF_16LE, [0xFF, 0xFE]), (UTF_16BE, [0xFE, 0xFF])] {
            let units: Vec<u16> = SAMPLE.encode_utf16().collect();
            let mut bytes: Vec<u8> = Vec::new();
            for u in units {
                let pair = if encoding == UTF_16LE {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                };
                bytes.extend_from_slice(&pair);
            }
            assert_eq!(decode("a.txt", &bytes).unwrap().text, SAMPLE);
            let mut with_bom = bom.to_vec();
            with_bom.extend_from_slice(&bytes);
            assert_eq!(decode("a.txt", &with_bom).unwrap().text, SAMPLE);
        }
    }

    #[test]
    fn binary_is_refused_with_the_file_name() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        let err = decode("photo.jpg", &bytes).unwrap_err();
        assert!(err.to_string().contains("photo.jpg"), "{err}");
        assert!(err.to_string().contains("不是文本文件"), "{err}");
    }

    #[test]
    fn empty_is_empty_text() {
        assert_eq!(decode("a.txt", b"").unwrap().text, "");
    }
}
