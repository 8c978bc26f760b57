//! The backup file: valid JSON, one record per line, its manifest last —
//!
//! ```text
//! {"format":1,"records":[
//! {"c":"team","r":{"id":"…","name":"…",…}},
//! …
//! ],
//! "manifest":{"format":1,"courant":"0.1.0","organisation":1,"created_at":…,"counts":{…},"records":N,"checksum":"sha256:…"}}
//! ```
//!
//! Written as it is read from the database (one record in memory at a time), so a backup of
//! any size costs little memory. The checksum is SHA-256 over each record line as serde_json
//! writes it, then the manifest without its checksum: a record or a manifest field changed
//! by hand, a line lost or added, and the sum no longer matches. Reading re-serialises each
//! record the same way, so the file may be re-indented without breaking it.

use std::collections::BTreeMap;
use std::io::Write;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::principal::OrgId;
use crate::core::validate::FieldError;
use crate::engine::replace::Target;
use crate::i18n::*;

/// The format this Courant writes and the newest it reads.
pub const FORMAT: i64 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: i64,
    /// The Courant version that wrote it.
    pub courant: String,
    pub organisation: OrgId,
    pub created_at: i64,
    /// Records per collection; every collection backed up is named, even empty.
    pub counts: BTreeMap<String, i64>,
    pub records: i64,
    #[serde(default)]
    pub checksum: String,
}

#[derive(Serialize, Deserialize)]
struct Line {
    c: String,
    r: Map<String, Value>,
}

/// Writes a backup file record by record.
pub struct FileWriter<W: Write> {
    out: W,
    hash: Sha256,
    counts: BTreeMap<String, i64>,
    records: i64,
}

impl<W: Write> FileWriter<W> {
    pub fn new(mut out: W) -> std::io::Result<Self> {
        write!(out, "{{\"format\":{FORMAT},\"records\":[")?;
        Ok(FileWriter {
            out,
            hash: Sha256::new(),
            counts: BTreeMap::new(),
            records: 0,
        })
    }

    /// Name a collection in the manifest, even if it has no record.
    pub fn collection(&mut self, name: &str) {
        self.counts.entry(name.to_string()).or_default();
    }

    pub fn record(&mut self, collection: &str, record: Map<String, Value>) -> std::io::Result<()> {
        let line = serde_json::to_string(&Line {
            c: collection.to_string(),
            r: record,
        })?;
        self.hash.update(line.as_bytes());
        self.hash.update(b"\n");
        let sep = if self.records == 0 { "\n" } else { ",\n" };
        self.out.write_all(sep.as_bytes())?;
        self.out.write_all(line.as_bytes())?;
        *self.counts.entry(collection.to_string()).or_default() += 1;
        self.records += 1;
        Ok(())
    }

    /// Write the manifest and return it with the writer.
    pub fn finish(
        mut self,
        organisation: OrgId,
        created_at: i64,
    ) -> std::io::Result<(Manifest, W)> {
        let mut manifest = Manifest {
            format: FORMAT,
            courant: env!("CARGO_PKG_VERSION").to_string(),
            organisation,
            created_at,
            counts: std::mem::take(&mut self.counts),
            records: self.records,
            checksum: String::new(),
        };
        manifest.checksum = checksum(self.hash, &manifest);
        write!(self.out, "\n],\n\"manifest\":")?;
        serde_json::to_writer(&mut self.out, &manifest)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()?;
        Ok((manifest, self.out))
    }
}

fn checksum(mut hash: Sha256, manifest: &Manifest) -> String {
    let unsigned = Manifest {
        checksum: String::new(),
        ..manifest.clone()
    };
    hash.update(
        serde_json::to_string(&unsigned)
            .unwrap_or_default()
            .as_bytes(),
    );
    format!("sha256:{}", hex::encode(hash.finalize()))
}

#[derive(Deserialize)]
struct Shape {
    format: i64,
    records: Vec<Line>,
    manifest: Option<Manifest>,
}

/// A backup file read and verified: its manifest, its records by collection and id, and
/// how many rows each of its other sections holds (members: for the record, never restored).
pub struct Verified {
    pub manifest: Manifest,
    pub target: Target,
    pub sections: BTreeMap<String, i64>,
}

/// Lines of a section that is not a collection (`@members`) name it with this prefix.
pub const SECTION: char = '@';

/// Read a backup file for organisation `org`, refusing — with what is wrong — a file that
/// is not one, cut short, changed since it was written, from a newer Courant, or from
/// another organisation.
pub fn read(input: impl std::io::Read, org: OrgId) -> Result<Verified, AppError> {
    let l = current();
    let shape: Shape = serde_json::from_reader(std::io::BufReader::new(input)).map_err(|e| {
        if e.is_io() && e.to_string().contains(OVER_CAP) {
            refused(td_string!(l, sync.file.too_large_unpacked).to_string())
        } else if e.is_io() {
            refused(td_string!(l, sync.file.not_gzip).to_string())
        } else if e.classify() == serde_json::error::Category::Eof {
            refused(td_string!(l, sync.file.truncated).to_string())
        } else {
            refused(td_string!(l, sync.file.unreadable, line = e.line()).to_string())
        }
    })?;
    if shape.format > FORMAT {
        return Err(refused(
            td_string!(l, sync.file.newer, format = shape.format, known = FORMAT).to_string(),
        ));
    }
    let manifest = shape
        .manifest
        .ok_or_else(|| refused(td_string!(l, sync.file.no_manifest).to_string()))?;
    if manifest.format != shape.format {
        return Err(refused(td_string!(l, sync.file.tampered).to_string()));
    }
    if manifest.organisation != org {
        return Err(refused(td_string!(l, sync.file.foreign).to_string()));
    }
    let mut hash = Sha256::new();
    let mut target = Target::new();
    let mut sections = BTreeMap::new();
    for name in manifest.counts.keys() {
        match name.strip_prefix(SECTION) {
            Some(section) => {
                sections.insert(section.to_string(), 0);
            }
            None => {
                target.entry(name.clone()).or_default();
            }
        }
    }
    let mut records = 0i64;
    for line in shape.records {
        let text = serde_json::to_string(&line).map_err(|e| AppError::Internal(e.to_string()))?;
        hash.update(text.as_bytes());
        hash.update(b"\n");
        records += 1;
        if let Some(section) = line.c.strip_prefix(SECTION) {
            *sections.entry(section.to_string()).or_default() += 1;
            continue;
        }
        let id = line
            .r
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let collection = target.entry(line.c.clone()).or_default();
        if collection.insert(id.clone(), line.r).is_some() {
            return Err(refused(
                td_string!(l, sync.file.duplicate, collection = &line.c, id = &id).to_string(),
            ));
        }
    }
    if checksum(hash, &manifest) != manifest.checksum || records != manifest.records {
        return Err(refused(td_string!(l, sync.file.tampered).to_string()));
    }
    Ok(Verified {
        manifest,
        target,
        sections,
    })
}

/// A backup file as read: gzipped or not (its first two bytes say), never more than `cap`
/// bytes of JSON once decompressed — a small gzip that expands without end is refused, not
/// read into memory.
pub fn plain_or_gzip(
    mut f: std::fs::File,
    cap: u64,
) -> std::io::Result<Box<dyn std::io::Read + Send>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut magic = [0u8; 2];
    let n = f.read(&mut magic)?;
    f.seek(SeekFrom::Start(0))?;
    let inner: Box<dyn Read + Send> = if n == 2 && magic == [0x1f, 0x8b] {
        Box::new(flate2::read::GzDecoder::new(f))
    } else {
        Box::new(f)
    };
    Ok(Box::new(Capped { inner, left: cap }))
}

/// Fails, rather than stops, past its cap: a cut would read as a truncated file.
struct Capped {
    inner: Box<dyn std::io::Read + Send>,
    left: u64,
}

/// The message a [`Capped`] reader fails with, to tell it from a broken file.
const OVER_CAP: &str = "courant: backup over its size limit once decompressed";

impl std::io::Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(OVER_CAP));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// A file refused, said at the file's field.
pub fn refused(message: String) -> AppError {
    AppError::Validation(vec![FieldError::new("file", message)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(org: OrgId) -> Vec<u8> {
        let mut w = FileWriter::new(Vec::new()).unwrap();
        w.collection("empty");
        let mut member = Map::new();
        member.insert("email".into(), "ana@example.org".into());
        w.record("@members", member).unwrap();
        for (c, id, name) in [
            ("team", "a", "Ana"),
            ("team", "b", "Bo"),
            ("services", "s", "Café"),
        ] {
            let mut r = Map::new();
            r.insert("id".into(), id.into());
            r.insert("name".into(), name.into());
            w.record(c, r).unwrap();
        }
        w.finish(org, 1_000).unwrap().1
    }

    #[test]
    fn a_file_reads_back_as_written() {
        let bytes = sample(3);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            serde_json::from_str::<Value>(&text).is_ok(),
            "valid JSON:\n{text}"
        );
        let v = read(&bytes[..], 3).unwrap();
        assert_eq!(v.manifest.records, 4);
        assert_eq!(v.sections["members"], 1);
        assert!(!v.target.contains_key("@members"));
        assert_eq!(v.manifest.counts["team"], 2);
        assert_eq!(v.manifest.counts["empty"], 0);
        assert!(v.target["empty"].is_empty());
        assert_eq!(v.target["services"]["s"]["name"], "Café");
        // Re-indented by a tool, it still verifies.
        let pretty =
            serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&bytes).unwrap()).unwrap();
        assert!(read(&pretty[..], 3).is_ok());
    }

    fn refusal(bytes: &[u8], org: OrgId) -> String {
        match read(bytes, org) {
            Err(AppError::Validation(e)) => e[0].message.clone(),
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn truncated_tampered_foreign_and_newer_files_are_refused() {
        let bytes = sample(3);
        let truncated = refusal(&bytes[..bytes.len() / 2], 3);
        let text = String::from_utf8(bytes.clone()).unwrap();
        let tampered = refusal(text.replace("Bo", "Bob").as_bytes(), 3);
        let dropped = refusal(
            text.replace(
                ",\n{\"c\":\"team\",\"r\":{\"id\":\"b\",\"name\":\"Bo\"}}",
                "",
            )
            .as_bytes(),
            3,
        );
        let foreign = refusal(&bytes, 4);
        let newer = refusal(
            text.replacen("\"format\":1", "\"format\":2", 1).as_bytes(),
            3,
        );
        let distinct: std::collections::HashSet<_> = [&truncated, &tampered, &foreign, &newer]
            .into_iter()
            .collect();
        assert_eq!(distinct.len(), 4, "each problem says its own");
        assert_eq!(tampered, dropped);
        assert!(refusal(b"not json", 3).len() > 5);
    }
}
