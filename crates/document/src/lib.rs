//! Reads a plan document's bytes into text, at the edge, before any parsing.
//!
//! Plain text comes in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16; the encoding is
//! detected from the bytes, never assumed from the file name. Word documents (`.docx`) give their
//! paragraphs and table cells in document order, one per line. Everything else — PDF, legacy
//! `.doc`, spreadsheets, binary data, truncated archives — is refused with a [`ReadError`] that
//! names the file and says what was expected.
//!
//! Architecture invariant: this crate never panics on any input and reads no file itself; the
//! caller hands it bytes.

mod docx;
mod error;
mod text;

pub use error::ReadError;

/// The format a document's bytes turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Plain text in the named encoding (`UTF-8`, `GBK`, `gb18030`, `UTF-16LE`, …).
    Text(&'static str),
    /// A Word document (Office Open XML).
    Docx,
}

/// A document's text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The text, one paragraph (or table cell) per line, without a byte-order mark.
    pub text: String,
    /// The detected format.
    pub format: SourceFormat,
}

/// Largest text, in bytes, that a `.docx` may unpack to (guards against zip bombs).
pub const MAX_DOCX_XML_BYTES: u64 = 256 * 1024 * 1024;

/// Reads `bytes`, the content of the file called `name`, into text.
///
/// `name` is used only in error messages.
pub fn read(name: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    let name = name.to_owned();
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return docx::read(&name, bytes).map(|text| Document {
            text,
            format: SourceFormat::Docx,
        });
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ReadError::Pdf { name });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(ReadError::LegacyOffice { name });
    }
    text::decode(&name, bytes)
}
