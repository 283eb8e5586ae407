//! CSV downloads (the audit log, a target chart's numbers): written by `csv::Writer`, so quoting
//! is right whatever a cell holds, with a UTF-8 byte-order mark so that spreadsheet programs read
//! the Chinese, and every text cell that a spreadsheet would run as a formula defused.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A CSV file being written: the header row first, then rows.
pub(crate) struct CsvExport {
    writer: csv::Writer<Vec<u8>>,
    error: Option<csv::Error>,
}

impl CsvExport {
    /// A file with its header row, after the byte-order mark.
    pub(crate) fn new(header: &[&str]) -> Self {
        let mut export = Self {
            writer: csv::Writer::from_writer("\u{feff}".as_bytes().to_vec()),
            error: None,
        };
        export.row(header.iter().copied());
        export
    }

    /// One row; each cell defused (see [`defuse`]).
    pub(crate) fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        if self.error.is_some() {
            return;
        }
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| defuse(c.as_ref()).into_owned())
            .collect();
        if let Err(e) = self.writer.write_record(&cells) {
            self.error = Some(e);
        }
    }

    /// The file's bytes.
    pub(crate) fn finish(self) -> Result<Vec<u8>, String> {
        if let Some(e) = self.error {
            return Err(e.to_string());
        }
        self.writer.into_inner().map_err(|e| e.to_string())
    }

    /// The file as a download named `filename`.
    pub(crate) fn into_response(self, filename: &str) -> Response {
        let bytes = match self.finish() {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, filename, "CSV export failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let mut response = bytes.into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        response
    }
}

/// A cell that a spreadsheet would evaluate as a formula (it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading `'` (OWASP's advice against CSV injection); numbers
/// such as `-3.5` stay numbers.
pub(crate) fn defuse(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A plain decimal number (sign, digits, point, exponent): not `inf`, not `NaN`.
fn is_number(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'))
        && s.chars().any(|c| c.is_ascii_digit())
        && s.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Vec<Vec<String>> {
        let text = std::str::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("byte-order mark");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn awkward_values_round_trip() {
        let awkward = "河湟谷地, “说明” and \"quoted\"\nsecond line\r\nthird";
        let mut export = CsvExport::new(&["a", "b"]);
        export.row([awkward, "plain"]);
        let rows = read(&export.finish().unwrap());
        assert_eq!(
            rows,
            [vec!["a", "b"], vec![awkward, "plain"]]
                .map(|r| r.into_iter().map(str::to_owned).collect::<Vec<_>>())
        );
    }

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        for (cell, expected) in [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\t=1", "'\t=1"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("-3.5", "-3.5"),
            ("+12", "+12"),
            ("-1e3", "-1e3"),
            ("3.5", "3.5"),
            ("完成率=80%", "完成率=80%"),
        ] {
            assert_eq!(defuse(cell), expected, "{cell:?}");
        }
        let mut export = CsvExport::new(&["v"]);
        export.row(["=HYPERLINK(\"http://x\",\"y\")"]);
        export.row(["-3.5"]);
        let rows = read(&export.finish().unwrap());
        assert_eq!(rows[1], ["'=HYPERLINK(\"http://x\",\"y\")"]);
        assert_eq!(rows[2], ["-3.5"]);
    }
}
