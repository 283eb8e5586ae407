//! Word documents: paragraphs and table cells of `word/document.xml`, in document order.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::{MAX_DOCX_XML_BYTES, ReadError};

/// Reads the body text of a `.docx`: one line per paragraph (table cells hold paragraphs too).
/// Empty paragraphs, such as the continuation cells of a vertical merge, give no line.
pub(crate) fn read(name: &str, bytes: &[u8]) -> Result<String, ReadError> {
    let broken = |detail: String| ReadError::BrokenDocx {
        name: name.to_owned(),
        detail,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| broken(e.to_string()))?;
    let mut xml = Vec::new();
    {
        let entry = match archive.by_name("word/document.xml") {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(ReadError::NotWord {
                    name: name.to_owned(),
                });
            }
            Err(e) => return Err(broken(e.to_string())),
        };
        entry
            .take(MAX_DOCX_XML_BYTES)
            .read_to_end(&mut xml)
            .map_err(|e| broken(e.to_string()))?;
    }
    paragraphs(&xml).map_err(broken)
}

/// Extracts the text of each `w:p` element as a line.
fn paragraphs(xml: &[u8]) -> Result<String, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut line = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "p" => line.clear(),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "tab" => line.push('\t'),
                "br" | "cr" => line.push(' '),
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let trimmed = line.trim();
                    if !trimmed.is_empty() {
                        out.push_str(trimmed);
                        out.push('\n');
                    }
                    line.clear();
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                line.push_str(&t.xml10_content());
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    line.push(c);
                } else {
                    if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                        line.push_str(s);
                    }
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "XML error at byte {}: {e}",
                    reader.buffer_position()
                ));
            }
        }
        buf.clear();
    }
    if !line.trim().is_empty() {
        // A document cut off inside a paragraph: keep what was read.
        out.push_str(line.trim());
        out.push('\n');
    }
    Ok(out)
}
