//! A snapshot's battle files (`battles.jsonl`, `battles.csv`) as the public downloads them: written
//! once to disk, then streamed from there, never loaded per request.
//!
//! A snapshot never changes, so its files are made once per server, on the first download: the
//! battles are read from the store once, written as JSON Lines (the very bytes stored, whose
//! SHA-256 the snapshot's summary publishes) and as CSV, each also gzip-compressed (once, not per
//! request). A response carries a strong `ETag`, the SHA-256 of the exact bytes it sends (for the
//! plain JSON Lines, `battles_sha256`), and a request whose `If-None-Match` names it gets 304.
//! Full downloads are limited per address (`ARENA_LIMIT_ADDRESS_DOWNLOADS`, see `trust/`); a
//! cache revalidating a file already written costs nothing.
//!
//! The files live in a private temporary folder of this process, made on the first download and
//! removed when the server stops (a killed server leaves it to the system's temporary-file
//! cleaning). Read next: `snapshots.rs` (the routes and the CSV's columns).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use arena_core::api::PublicBattle;
use axum::body::Body;
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_ENCODING, CONTENT_LENGTH,
    CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::error::ApiError;

/// Never changes: cache it for good.
pub const FOREVER: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// The two formats of a snapshot's battles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Jsonl => "application/jsonl; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// One file on disk and what names its bytes.
#[derive(Debug)]
struct Stored {
    path: PathBuf,
    /// `"<SHA-256 of the bytes, hex>"`.
    etag: String,
    len: u64,
}

/// One format, plain and gzip-compressed.
#[derive(Debug)]
struct Variants {
    plain: Stored,
    gzip: Stored,
}

/// Both formats of one snapshot.
#[derive(Debug)]
struct SnapshotFiles {
    jsonl: Variants,
    csv: Variants,
}

impl SnapshotFiles {
    fn file(&self, format: Format, gzip: bool) -> &Stored {
        let variants = match format {
            Format::Jsonl => &self.jsonl,
            Format::Csv => &self.csv,
        };
        if gzip {
            &variants.gzip
        } else {
            &variants.plain
        }
    }
}

/// The files written so far, and the folder they are in.
#[derive(Debug, Default)]
pub struct Downloads {
    ready: RwLock<HashMap<i64, Arc<SnapshotFiles>>>,
    /// The folder, made on the first download. Held while a snapshot is written, so one is
    /// written at a time, once, and only one snapshot's battles are in memory for it.
    writing: tokio::sync::Mutex<Option<tempfile::TempDir>>,
}

impl Downloads {
    fn ready(&self, id: i64) -> Option<Arc<SnapshotFiles>> {
        let ready = self.ready.read().unwrap_or_else(|p| p.into_inner());
        ready.get(&id).cloned()
    }

    /// The snapshot's files, written first if this server has not yet.
    async fn files(&self, state: &AppState, id: i64) -> Result<Arc<SnapshotFiles>, ApiError> {
        if let Some(files) = self.ready(id) {
            return Ok(files);
        }
        let mut folder = self.writing.lock().await;
        // Written while this request waited.
        if let Some(files) = self.ready(id) {
            return Ok(files);
        }
        let battles = state
            .store
            .snapshot_battles(id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let dir = match &*folder {
            Some(dir) => dir.path().to_owned(),
            None => {
                let made = tempfile::Builder::new()
                    .prefix("kai-arena-snapshots-")
                    .tempdir()
                    .map_err(|e| ApiError::Internal(e.into()))?;
                let path = made.path().to_owned();
                *folder = Some(made);
                path
            }
        };
        let files = tokio::task::spawn_blocking(move || write_files(&dir, id, &battles))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
            .map_err(ApiError::Internal)?;
        let files = Arc::new(files);
        self.ready
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, Arc::clone(&files));
        Ok(files)
    }
}

/// Writes both formats of a snapshot's battles (JSON Lines, as stored) into `dir`.
fn write_files(dir: &Path, id: i64, battles: &str) -> anyhow::Result<SnapshotFiles> {
    let jsonl = write_variants(dir, &format!("{id}.jsonl"), |out| {
        out.write_all(battles.as_bytes())?;
        Ok(())
    })?;
    let csv = write_variants(dir, &format!("{id}.csv"), |out| {
        write_csv(battles, out)?;
        Ok(())
    })?;
    Ok(SnapshotFiles { jsonl, csv })
}

/// Writes `name` with what `fill` writes, and `name.gz` with the same compressed.
fn write_variants(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<Variants> {
    let path = dir.join(name);
    let mut plain = Hashing::new(std::io::BufWriter::new(std::fs::File::create(&path)?));
    fill(&mut plain)?;
    let plain = plain.finish(path)?;
    let gz_path = dir.join(format!("{name}.gz"));
    let mut gzip = flate2::write::GzEncoder::new(
        Hashing::new(std::io::BufWriter::new(std::fs::File::create(&gz_path)?)),
        flate2::Compression::default(),
    );
    std::io::copy(&mut std::fs::File::open(&plain.path)?, &mut gzip)?;
    let gzip = gzip.finish()?.finish(gz_path)?;
    Ok(Variants { plain, gzip })
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W: Write> {
    inner: W,
    sha: Sha256,
    len: u64,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            sha: Sha256::new(),
            len: 0,
        }
    }

    fn finish(mut self, path: PathBuf) -> std::io::Result<Stored> {
        self.inner.flush()?;
        Ok(Stored {
            path,
            etag: format!("\"{}\"", hex::encode(self.sha.finalize())),
            len: self.len,
        })
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Whether the client takes gzip (`Accept-Encoding`, without `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            ["gzip", "x-gzip"]
                .iter()
                .any(|g| name.eq_ignore_ascii_case(g))
                && !refused
        })
}

/// Whether `If-None-Match` names `etag` (or `*`): the client has these very bytes.
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// Headers every answer for a file carries, 200 or 304.
fn validators(headers: &mut HeaderMap, etag: &str) {
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(ETAG, value);
    }
    headers.insert(CACHE_CONTROL, FOREVER);
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
}

/// `GET /api/v1/snapshots/{id}/battles.{jsonl,csv}`.
pub async fn serve(
    state: &AppState,
    peer: std::net::SocketAddr,
    headers: &HeaderMap,
    id: i64,
    format: Format,
) -> Result<Response, ApiError> {
    let gzip = accepts_gzip(headers);
    let unchanged = |files: &SnapshotFiles| {
        let file = files.file(format, gzip);
        not_modified(headers, &file.etag).then(|| {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            validators(response.headers_mut(), &file.etag);
            response
        })
    };
    if let Some(response) = state.downloads.ready(id).as_deref().and_then(unchanged) {
        return Ok(response);
    }
    let address = state.trust.address(peer, headers).await?.network;
    state.trust.admit_download(&address)?;
    let files = state.downloads.files(state, id).await?;
    if let Some(response) = unchanged(&files) {
        return Ok(response);
    }
    let file = files.file(format, gzip);
    let opened = tokio::fs::File::open(&file.path)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let mut response = Body::from_stream(tokio_util::io::ReaderStream::new(opened)).into_response();
    let out = response.headers_mut();
    validators(out, &file.etag);
    out.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    out.insert(CONTENT_LENGTH, HeaderValue::from(file.len));
    if gzip {
        out.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    let disposition = format!(
        "attachment; filename=\"kai-arena-snapshot-{id}-battles.{}\"",
        format.extension()
    );
    out.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    out.insert(
        HeaderName::from_static("x-data-licence"),
        HeaderValue::from_static("KOGL-Type1; https://www.kogl.or.kr/info/licenseType1.do"),
    );
    Ok(response)
}

/// The columns of the CSV download (the JSON Lines' fields; reasons joined by `;`; a live
/// battle's prompt and answers last, empty for the imported prompts).
pub const CSV_HEADER: [&str; 11] = [
    "battle_id",
    "question_id",
    "category",
    "model_a",
    "model_b",
    "winner",
    "tstamp",
    "reasons",
    "prompt",
    "answer_a",
    "answer_b",
];

/// A text cell as a spreadsheet must not run it: a cell starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading `'` (citizens' prompts and models' answers are in the
/// CSV). The JSON Lines keep the texts as they are.
fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// The battles (JSON Lines) as CSV with a header row.
pub fn to_csv(jsonl: &str) -> anyhow::Result<String> {
    Ok(String::from_utf8(write_csv(jsonl, Vec::new())?)?)
}

/// Writes the battles (JSON Lines) as CSV with a header row into `out`, and hands it back.
pub fn write_csv<W: std::io::Write>(jsonl: &str, out: W) -> anyhow::Result<W> {
    let mut out = csv::Writer::from_writer(out);
    out.write_record(CSV_HEADER)?;
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let b: PublicBattle = serde_json::from_str(line)?;
        let reasons: Vec<&str> = b.reasons.iter().map(|r| r.code()).collect();
        let (prompt, answer_a, answer_b) = b.live.as_ref().map_or(("", "", ""), |l| {
            (&l.prompt[..], &l.answer_a[..], &l.answer_b[..])
        });
        out.write_record([
            b.battle_id.as_str(),
            &cell(&b.question_id),
            &cell(&b.category),
            &cell(&b.model_a),
            &cell(&b.model_b),
            &b.winner,
            &b.tstamp.to_string(),
            &reasons.join(";"),
            &cell(prompt),
            &cell(answer_a),
            &cell(answer_b),
        ])?;
    }
    out.into_inner()
        .map_err(|e| anyhow::anyhow!("{}", e.error()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(name: axum::http::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, value.parse().unwrap());
        h
    }

    #[test]
    fn gzip_is_sent_to_clients_that_take_it() {
        for yes in ["gzip", "br, gzip", "deflate, GZIP;q=0.5", "x-gzip"] {
            assert!(accepts_gzip(&headers(ACCEPT_ENCODING, yes)), "{yes}");
        }
        for no in ["", "br", "identity", "gzip;q=0", "gzip; q=0.0", "gzipped"] {
            assert!(!accepts_gzip(&headers(ACCEPT_ENCODING, no)), "{no}");
        }
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn if_none_match_names_the_bytes() {
        let etag = "\"abc\"";
        for yes in ["\"abc\"", "\"x\", \"abc\"", "W/\"abc\"", "*"] {
            assert!(not_modified(&headers(IF_NONE_MATCH, yes), etag), "{yes}");
        }
        for no in ["\"abcd\"", "abc", ""] {
            assert!(!not_modified(&headers(IF_NONE_MATCH, no), etag), "{no}");
        }
    }

    #[test]
    fn the_files_are_the_battles_plain_and_compressed() {
        let dir = tempfile::tempdir().unwrap();
        let battles = concat!(
            r#"{"battle_id":"b1","question_id":"q1","category":"역사","model_a":"a","model_b":"b","winner":"model_a","tstamp":1.5}"#,
            "\n"
        );
        let files = write_files(dir.path(), 7, battles).unwrap();
        let read = |s: &Stored| std::fs::read(&s.path).unwrap();
        let sha = |b: &[u8]| format!("\"{}\"", hex::encode(Sha256::digest(b)));
        assert_eq!(read(&files.jsonl.plain), battles.as_bytes());
        assert_eq!(files.jsonl.plain.etag, sha(battles.as_bytes()));
        assert_eq!(files.jsonl.plain.len, battles.len() as u64);
        let csv = super::to_csv(battles).unwrap();
        assert_eq!(read(&files.csv.plain), csv.as_bytes());
        for (variants, plain) in [(&files.jsonl, battles), (&files.csv, csv.as_str())] {
            let gz = read(&variants.gzip);
            assert_eq!(variants.gzip.etag, sha(&gz));
            assert_eq!(variants.gzip.len, gz.len() as u64);
            let mut unpacked = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::GzDecoder::new(&gz[..]),
                &mut unpacked,
            )
            .unwrap();
            assert_eq!(unpacked, plain);
        }
    }
}
