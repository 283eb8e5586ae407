//! Why a document could not be read, in Chinese first and English on request.

/// A document that is not a readable plan file. `Display` gives the Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// A PDF file.
    #[error("无法读取“{name}”：这是 PDF 文件，请先另存为文本（.txt）或 Word 文档（.docx）")]
    Pdf {
        /// The file's name.
        name: String,
    },
    /// A legacy binary Office file (`.doc`, `.xls`).
    #[error("无法读取“{name}”：这是旧版 Office 文件（.doc/.xls），请另存为 Word 文档（.docx）")]
    LegacyOffice {
        /// The file's name.
        name: String,
    },
    /// A ZIP archive that is not a Word document (e.g. a spreadsheet).
    #[error("无法读取“{name}”：这是压缩包或其他 Office 文件，不是 Word 文档（需要 .txt 或 .docx）")]
    NotWord {
        /// The file's name.
        name: String,
    },
    /// A Word document that is damaged or truncated.
    #[error("无法读取“{name}”：Word 文档已损坏或不完整（{detail}）")]
    BrokenDocx {
        /// The file's name.
        name: String,
        /// What went wrong, from the archive or XML reader.
        detail: String,
    },
    /// Bytes that are no text in any supported encoding.
    #[error(
        "无法读取“{name}”：不是文本文件，也不是 Word 文档（需要 UTF-8、GBK/GB18030 或 UTF-16 编码的 .txt，或 .docx）"
    )]
    Binary {
        /// The file's name.
        name: String,
    },
}

impl ReadError {
    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Pdf { name } => {
                format!(
                    "cannot read '{name}': it is a PDF; save it as text (.txt) or Word (.docx) first"
                )
            }
            Self::LegacyOffice { name } => format!(
                "cannot read '{name}': it is a legacy Office file (.doc/.xls); save it as Word (.docx)"
            ),
            Self::NotWord { name } => format!(
                "cannot read '{name}': it is an archive or another Office file, not a Word document (expected .txt or .docx)"
            ),
            Self::BrokenDocx { name, detail } => {
                format!(
                    "cannot read '{name}': the Word document is damaged or truncated ({detail})"
                )
            }
            Self::Binary { name } => format!(
                "cannot read '{name}': it is neither text nor a Word document (expected .txt in UTF-8, GBK/GB18030 or UTF-16, or .docx)"
            ),
        }
    }
}
