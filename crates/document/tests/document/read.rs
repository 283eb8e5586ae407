//! Reading real file formats: Word documents built here as Word writes them (paragraphs,
//! a table with a vertically merged cell, entities), damaged archives, other formats, and
//! arbitrary bytes.

use std::io::Write;

use duban_document::{ReadError, SourceFormat, read};
use proptest::prelude::*;

fn paragraph(text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
    )
}

fn cell(text: &str, merge: Option<&str>) -> String {
    let merge = match merge {
        Some("restart") => r#"<w:vMerge w:val="restart"/>"#,
        Some(_) => "<w:vMerge/>",
        None => "",
    };
    let body = if text.is_empty() {
        "<w:p/>".to_owned()
    } else {
        paragraph(text)
    };
    format!("<w:tc><w:tcPr>{merge}</w:tcPr>{body}</w:tc>")
}

fn row(cells: &[(&str, Option<&str>)]) -> String {
    let cells: String = cells.iter().map(|(t, m)| cell(t, *m)).collect();
    format!("<w:tr>{cells}</w:tr>")
}

/// A `.docx` archive whose `word/document.xml` has the given body.
fn docx(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", options).unwrap();
        zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
        zip.start_file("word/document.xml", options).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    out.into_inner()
}

fn plan_with_table() -> Vec<u8> {
    let table = [
        row(&[
            ("序号", None),
            ("工作任务", None),
            ("牵头单位", None),
            ("配合单位", None),
            ("完成时限", None),
        ]),
        row(&[
            ("1", None),
            ("建设城市公园", Some("restart")),
            ("市林草局", None),
            ("市财政局、市住房建设局", None),
            ("2025年底", None),
        ]),
        row(&[
            ("2", None),
            ("", Some("continue")),
            ("乐都区政府", None),
            ("—", None),
            ("2026年底", None),
        ]),
        row(&[
            ("3", None),
            ("至2027年，新增绿道120公里", None),
            ("市交通运输局", None),
            ("各县区政府", None),
            ("2027年", None),
        ]),
    ]
    .concat();
    let body = [
        paragraph("某市公园建设实施方案"),
        paragraph("一、主要任务"),
        paragraph("（一）推进公园建设。到2026年，公园绿地服务半径覆盖率达到90%&amp;以上。（责任单位：市林草局、市财政局）"),
        paragraph("二、任务分解"),
        paragraph("公园建设任务分解表"),
        format!("<w:tbl>{table}</w:tbl>"),
    ]
    .concat();
    docx(&body)
}

#[test]
fn paragraphs_and_table_cells_in_document_order() {
    let doc = read("plan.docx", &plan_with_table()).unwrap();
    assert_eq!(doc.format, SourceFormat::Docx);
    let lines: Vec<&str> = doc.text.lines().collect();
    assert_eq!(lines[0], "某市公园建设实施方案");
    assert!(
        lines[2].contains("90%&以上"),
        "entities are resolved: {}",
        lines[2]
    );
    let table_at = lines.iter().position(|l| *l == "序号").unwrap();
    assert_eq!(
        lines[table_at + 5..table_at + 10],
        [
            "1",
            "建设城市公园",
            "市林草局",
            "市财政局、市住房建设局",
            "2025年底"
        ]
    );
    // The merged cell's continuation gives no line.
    assert_eq!(
        lines[table_at + 10..table_at + 14],
        ["2", "乐都区政府", "—", "2026年底"]
    );
}

#[test]
fn a_docx_plan_parses_with_its_table() {
    let doc = read("plan.docx", &plan_with_table()).unwrap();
    let plan = duban_import::parse(&doc.text);
    assert_eq!(plan.title, "某市公园建设实施方案");
    let rows: Vec<_> = plan.nodes.iter().filter(|n| n.deadline.is_some()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].leads().collect::<Vec<_>>(), ["市林草局"]);
    assert_eq!(
        rows[1].title, "建设城市公园",
        "a merged cell is inherited from the row above"
    );
    assert_eq!(rows[1].leads().collect::<Vec<_>>(), ["乐都区政府"]);
    assert_eq!(rows[2].deadline.as_deref(), Some("2027年"));
    assert!(
        plan.targets
            .iter()
            .any(|t| t.value == 120.0 && t.unit == "公里" && t.year == Some(2027))
    );
    assert!(
        plan.targets
            .iter()
            .any(|t| t.value == 90.0 && t.unit == "%" && t.year == Some(2026))
    );
}

#[test]
fn a_truncated_docx_is_a_clear_error() {
    let bytes = plan_with_table();
    for cut in [bytes.len() / 2, bytes.len() - 30, 100] {
        let err = read("方案.docx", &bytes[..cut]).unwrap_err();
        assert!(matches!(err, ReadError::BrokenDocx { .. }), "{err:?}");
        assert!(
            err.to_string().contains("方案.docx") && err.to_string().contains("损坏"),
            "{err}"
        );
        assert!(err.message_en().contains("damaged"));
    }
}

#[test]
fn other_formats_are_named_in_the_error() {
    let mut zip = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut zip);
        w.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"<workbook/>").unwrap();
        w.finish().unwrap();
    }
    assert!(matches!(
        read("台账.xlsx", zip.get_ref()),
        Err(ReadError::NotWord { .. })
    ));
    let pdf = read("plan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj").unwrap_err();
    assert!(pdf.to_string().contains("PDF") && pdf.to_string().contains("plan.pdf"));
    let doc = read(
        "old.doc",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
    )
    .unwrap_err();
    assert!(matches!(doc, ReadError::LegacyOffice { .. }));
    let png = read("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").unwrap_err();
    assert!(matches!(png, ReadError::Binary { .. }));
}

#[test]
fn a_docx_cut_inside_its_xml_keeps_what_was_read_or_says_it_is_damaged() {
    // A stored (uncompressed) archive whose XML ends in the middle of a paragraph.
    let xml = r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>一、总体要求</w:t></w:r></w:p><w:p><w:r><w:t>正文"#;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("word/document.xml", stored).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    match read("cut.docx", out.get_ref()) {
        Ok(doc) => assert!(doc.text.starts_with("一、总体要求")),
        Err(e) => assert!(matches!(e, ReadError::BrokenDocx { .. })),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_read_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(doc) = read("x.txt", &bytes) {
            let _ = duban_import::parse(&doc.text);
        }
    }

    #[test]
    fn any_bytes_behind_a_zip_signature_fail_cleanly(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = read("x.docx", &bytes);
    }
}

/// Cases per property: `PROPTEST_CASES` (CI sets a bounded number), else 256.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}
