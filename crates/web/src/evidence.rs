//! Evidence files (佐证材料): the type is read from the content, never trusted from the name;
//! files live outside the database, named by their SHA-256, written durably before the
//! submission that names them is committed.

use std::io::Write;
use std::path::{Path, PathBuf};

use duban_store::NewEvidence;
use sha2::{Digest, Sha256};

/// The types accepted: what the content is, and the extensions such a file may carry.
const ACCEPTED: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        &["pptx"],
    ),
    ("application/msword", &["doc"]),
    ("application/vnd.ms-excel", &["xls"]),
    ("application/vnd.ms-powerpoint", &["ppt"]),
];

/// Checks a file: not empty, not over `max` bytes, of an accepted type by its content, and
/// named with an extension of that type. The error names the file and what is wrong.
pub fn check(file_name: &str, bytes: &[u8], max: usize) -> Result<NewEvidence, String> {
    let name = clean_name(file_name);
    if bytes.is_empty() {
        return Err(format!("文件“{name}”为空"));
    }
    if bytes.len() > max {
        return Err(format!(
            "文件“{name}”大小 {:.1} MB，超过 {} MB 的上限",
            bytes.len() as f64 / 1_048_576.0,
            max / 1_048_576
        ));
    }
    let kind = infer::get(bytes).map(|k| k.mime_type());
    let Some((mime, extensions)) = kind.and_then(|m| ACCEPTED.iter().find(|(a, _)| *a == m)) else {
        let found = kind.unwrap_or("无法识别的内容");
        return Err(format!(
            "文件“{name}”的内容是 {found}，不是可接受的佐证材料（PDF、图片、Word/Excel/PowerPoint 文档）"
        ));
    };
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !extensions.contains(&ext.as_str()) {
        return Err(format!(
            "文件“{name}”的扩展名与内容不符：内容是 {mime}，扩展名应为 .{}",
            extensions.first().unwrap_or(&"")
        ));
    }
    Ok(NewEvidence {
        sha256: duban_store::hex(&Sha256::digest(bytes)),
        file_name: name,
        media_type: (*mime).to_owned(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
    })
}

/// The base name of an uploaded file, without folders or control characters, at most 200
/// characters.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() {
        "未命名".to_owned()
    } else {
        clean
    }
}

fn path_of(dir: &Path, sha256: &str) -> Option<PathBuf> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(dir.join(sha256.get(..2)?).join(sha256))
}

/// Writes a file under its hash (once; the same content twice is one file), synced to disk.
pub fn save(dir: &Path, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = path_of(dir, sha256).ok_or_else(|| std::io::Error::other("bad hash"))?;
    if path.exists() {
        return Ok(());
    }
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no folder"))?;
    std::fs::create_dir_all(folder)?;
    let tmp = folder.join(format!(".{sha256}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    std::fs::File::open(folder)?.sync_all()
}

/// Reads a stored file.
pub fn read(dir: &Path, sha256: &str) -> std::io::Result<Vec<u8>> {
    let path = path_of(dir, sha256).ok_or_else(|| std::io::Error::other("bad hash"))?;
    std::fs::read(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];

    #[test]
    fn types_come_from_content() {
        let ok = check("进展/佐证.pdf", PDF, 1024).unwrap();
        assert_eq!(
            (ok.media_type.as_str(), ok.file_name.as_str()),
            ("application/pdf", "佐证.pdf")
        );
        assert!(check("照片.PNG", PNG, 1024).is_ok());
        // A PNG named .pdf, an executable named .pdf, plain text: refused, saying why.
        assert!(
            check("伪装.pdf", PNG, 1024)
                .unwrap_err()
                .contains("扩展名与内容不符")
        );
        let elf = [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert!(
            check("报告.pdf", &elf, 1024)
                .unwrap_err()
                .contains("不是可接受")
        );
        assert!(
            check("说明.txt", "纯文本".as_bytes(), 1024)
                .unwrap_err()
                .contains("无法识别")
        );
        assert!(check("大.pdf", PDF, 10).unwrap_err().contains("超过"));
        assert!(check("空.pdf", b"", 10).unwrap_err().contains("为空"));
    }

    #[test]
    fn files_are_stored_by_hash() {
        let dir = std::env::temp_dir().join(format!("duban-evidence-{}", std::process::id()));
        let e = check("a.pdf", PDF, 1024).unwrap();
        save(&dir, &e.sha256, PDF).unwrap();
        save(&dir, &e.sha256, PDF).unwrap();
        assert_eq!(read(&dir, &e.sha256).unwrap(), PDF);
        assert!(read(&dir, "../../etc/passwd").is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
