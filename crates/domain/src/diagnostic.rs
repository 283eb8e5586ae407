//! Findings the importer reports for a person to review.

use serde::{Deserialize, Serialize};

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something was read in a way a person may want to confirm (e.g. a unit merge).
    Info,
    /// Something may have been read wrongly or left out.
    Warning,
    /// Something could not be read at all.
    Error,
}

impl Severity {
    /// The name in `duban.plan/1` (`info`, `warning`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// One finding, tied to a source line where there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// 1-based source line, or `None` for the document as a whole.
    pub line: Option<u32>,
    /// How much it matters.
    pub severity: Severity,
    /// Stable snake_case identifier of the kind of finding (for translation and filtering).
    pub code: String,
    /// Message for a person, in Chinese.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic with the given fields.
    pub fn new(
        line: Option<u32>,
        severity: Severity,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            line,
            severity,
            code: code.to_owned(),
            message: message.into(),
        }
    }
}
