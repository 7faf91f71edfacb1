//! The site's files held in memory, read once at start: a request for one is answered without
//! touching the file system (tower-http's `ServeDir` opens, stats and reads the file on the
//! blocking pool for every request, which on two cores served a 5 KiB stylesheet about 900
//! times a second where nginx served it 12,000 times; see the README's "Performance").
//!
//! - `ETag`: a strong validator, the first 16 bytes of the file's SHA-256 in hex, the same on
//!   every gateway replica; `If-None-Match` with it (or `*`) is a 304 (RFC 9110 §13.1.2).
//! - Compressed variants: `NAME.br` and `NAME.gz` beside a file (as
//!   `cargo leptos build --release --precompress` writes them, brotli at quality 11) are sent
//!   with `Content-Encoding: br` / `gzip` to clients whose `Accept-Encoding` allows it
//!   (RFC 9110 §12.5.3: the higher weight, brotli on a tie), with `Vary: Accept-Encoding`.
//!   A compressible file of at least [`MIN_COMPRESS_BYTES`] without them is compressed once
//!   here, at start (brotli quality [`BROTLI_QUALITY`], gzip level [`GZIP_LEVEL`]; less above
//!   [`LARGE_BYTES`]), and a variant is kept only when it is smaller.
//! - `Cache-Control`: [`IMMUTABLE`] for the files whose names carry a content hash
//!   (cargo-leptos `hash-files`), `no-cache` (revalidate with the `ETag`) for every other file.
//! - Under `cargo leptos watch` the files change while the gateway runs: nothing is held, and
//!   every request goes to `ServeDir` as before ([`SiteFiles::none`]).

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// Largest file held in memory, in bytes; a larger one is served from disk.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// `Cache-Control` of a file whose name changes with its content: a year, never revalidated
/// (RFC 8246 `immutable`).
pub(crate) const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of every other file: kept, but revalidated (a 304 when unchanged).
const REVALIDATE: &str = "no-cache";
/// Smaller files are sent as they are (compression gains little under one packet).
const MIN_COMPRESS_BYTES: usize = 1024;
/// Brotli quality and gzip level used at start for files up to [`LARGE_BYTES`]: 11 and 9
/// are the smallest, brotli's 11 10-20 times slower than 9 for a few per cent less.
const BROTLI_QUALITY: u8 = 9;
const GZIP_LEVEL: u8 = 9;
/// Larger files (in practice the debug build's 6 MB wasm; a release wasm is under 1 MB) get
/// brotli 5 and gzip 6, which take about a fifth of the time, so the start stays short.
const LARGE_BYTES: usize = 2 * 1024 * 1024;

/// One file and what its answers need (a clone shares the bytes).
#[derive(Clone)]
struct Asset {
    body: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    content_type: HeaderValue,
    etag: HeaderValue,
    cache_control: HeaderValue,
}

/// The files under the site root, by request path (`/pkg/shop.css`; a folder's `index.html`
/// also under the folder's path with its trailing `/`).
#[derive(Default)]
pub(crate) struct SiteFiles {
    files: HashMap<String, Asset>,
}

impl SiteFiles {
    /// Holds nothing: every request is left to the file system.
    pub(crate) fn none() -> Self {
        Self::default()
    }

    /// Reads every file under `root` (a missing root holds nothing); the request paths in
    /// `immutable` are content-hashed names, cached for a year.
    ///
    /// # Errors
    /// A file or folder under `root` that cannot be read.
    pub(crate) fn load(root: &Path, immutable: &[String]) -> std::io::Result<Self> {
        let mut found = Vec::new();
        if root.is_dir() {
            walk(root, root, &mut found)?;
        }
        let mut raw: HashMap<String, Bytes> = found.into_iter().collect();
        let mut files = HashMap::new();
        let names: Vec<String> = raw.keys().cloned().collect();
        for name in names {
            if is_variant(&name, &raw) {
                continue;
            }
            let Some(body) = raw.get(&name).cloned() else {
                continue;
            };
            let digest = Sha256::digest(&body);
            let etag = format!("\"{}\"", hex::encode(&digest[..16]));
            let content_type = mime_guess::from_path(&name)
                .first_raw()
                .map_or(HeaderValue::from_static("application/octet-stream"), |m| {
                    text_with_charset(m)
                });
            let mut brotli = raw.remove(&format!("{name}.br"));
            let mut gzip = raw.remove(&format!("{name}.gz"));
            if brotli.is_none() && gzip.is_none() && compressible(&content_type, &body) {
                (brotli, gzip) = compress(&body);
            }
            let asset = Asset {
                brotli,
                gzip,
                body,
                content_type,
                etag: HeaderValue::from_str(&etag).expect("hex is a valid header"),
                cache_control: HeaderValue::from_static(if immutable.contains(&name) {
                    IMMUTABLE
                } else {
                    REVALIDATE
                }),
            };
            if let Some(folder) = name.strip_suffix("index.html") {
                files.insert(folder.to_owned(), asset.clone());
            }
            files.insert(name, asset);
        }
        Ok(Self { files })
    }

    /// How many files are held.
    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    /// The answer for a `GET` or `HEAD` of a held file; `None` for anything else.
    pub(crate) fn answer(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
    ) -> Option<Response> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let asset = self.files.get(path)?;
        if headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .any(|tag| {
                tag == "*" || tag.trim_start_matches("W/").as_bytes() == asset.etag.as_bytes()
            })
        {
            return Some(
                (
                    StatusCode::NOT_MODIFIED,
                    [
                        (header::ETAG, asset.etag.clone()),
                        (header::CACHE_CONTROL, asset.cache_control.clone()),
                    ],
                )
                    .into_response(),
            );
        }
        let (body, encoding) = match asset.variant(Weights::of(headers)) {
            Some((body, coding)) => (body.clone(), Some(coding)),
            None => (asset.body.clone(), None),
        };
        let mut response = body.into_response();
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, asset.content_type.clone());
        h.insert(header::ETAG, asset.etag.clone());
        h.insert(header::CACHE_CONTROL, asset.cache_control.clone());
        if asset.brotli.is_some() || asset.gzip.is_some() {
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if let Some(encoding) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        Some(response)
    }
}

/// Whether a file of `content_type` is worth compressing: text, scripts, JSON, SVG and wasm of
/// at least [`MIN_COMPRESS_BYTES`] (images and fonts are compressed already).
fn compressible(content_type: &HeaderValue, body: &[u8]) -> bool {
    let t = content_type.to_str().unwrap_or("");
    body.len() >= MIN_COMPRESS_BYTES
        && (t.starts_with("text/")
            || t.starts_with("application/javascript")
            || t.starts_with("application/json")
            || t.starts_with("application/wasm")
            || t.starts_with("image/svg+xml"))
}

/// Brotli and gzip variants of `body`, each kept only when smaller than it.
fn compress(body: &[u8]) -> (Option<Bytes>, Option<Bytes>) {
    let smaller = |v: Vec<u8>| (v.len() < body.len()).then(|| Bytes::from(v));
    let (quality, level) = if body.len() > LARGE_BYTES {
        (5, 6)
    } else {
        (BROTLI_QUALITY, GZIP_LEVEL)
    };
    (
        smaller(shop_compress::brotli(body, quality)),
        smaller(shop_compress::gzip(body, level)),
    )
}

/// Whether `name` is the `.br` or `.gz` variant of another file that is there.
fn is_variant(name: &str, all: &HashMap<String, Bytes>) -> bool {
    [".br", ".gz"].iter().any(|ext| {
        name.strip_suffix(ext)
            .is_some_and(|original| all.contains_key(original))
    })
}

/// Text types name their charset (UTF-8, as the site's files are).
fn text_with_charset(mime: &str) -> HeaderValue {
    let value = if mime.starts_with("text/") || mime == "application/javascript" {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// The weights (0 to 1, RFC 9110 §12.4.2) that a request's `Accept-Encoding` gives the two
/// codings held, by RFC 9110 §12.5.3: a coding's own entry counts (`x-gzip` is `gzip`, §8.4.1.3),
/// else the `*` entry's, else 0; an entry without `q` weighs 1, a malformed `q` 0, and of two
/// entries for one coding the first counts. `br;q=0, *` refuses brotli. Weight 0 is "not
/// acceptable".
#[derive(Debug, Clone, Copy, PartialEq)]
struct Weights {
    br: f32,
    gzip: f32,
}

impl Weights {
    /// Reads every `Accept-Encoding` field of `headers` in one pass; none at all gives 0 to
    /// both (nothing but the identity coding is sent unasked).
    fn of(headers: &HeaderMap) -> Self {
        let (mut br, mut gzip, mut star) = (None, None, None);
        for item in headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
        {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let slot = if name.eq_ignore_ascii_case("br") {
                &mut br
            } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                &mut gzip
            } else if name == "*" {
                &mut star
            } else {
                continue;
            };
            if slot.is_none() {
                *slot =
                    Some(parts.fold(1.0, |weight, param| weight_param(param).unwrap_or(weight)));
            }
        }
        let or_star = |w: Option<f32>| w.or(star).unwrap_or(0.0);
        Weights {
            br: or_star(br),
            gzip: or_star(gzip),
        }
    }
}

/// The weight a `q=` parameter gives (`Some(0.0)` when malformed, so a garbled entry never
/// asks for more than it meant); `None` for any other parameter.
fn weight_param(param: &str) -> Option<f32> {
    let param = param.trim();
    let (name, value) = param.split_once('=')?;
    if !name.trim().eq_ignore_ascii_case("q") {
        return None;
    }
    Some(
        value
            .trim()
            .parse::<f32>()
            .ok()
            .filter(|q| (0.0..=1.0).contains(q))
            .unwrap_or(0.0),
    )
}

impl Asset {
    /// The compressed variant to send for `weights`: the acceptable one of higher weight,
    /// brotli on a tie (it is the smaller); `None` sends the file as it is.
    fn variant(&self, weights: Weights) -> Option<(&Bytes, &'static str)> {
        let br = self.brotli.as_ref().filter(|_| weights.br > 0.0);
        let gzip = self.gzip.as_ref().filter(|_| weights.gzip > 0.0);
        match (br, gzip) {
            (Some(_), Some(gz)) if weights.gzip > weights.br => Some((gz, "gzip")),
            (Some(br), _) => Some((br, "br")),
            (None, Some(gz)) => Some((gz, "gzip")),
            (None, None) => None,
        }
    }
}

/// Every file under `dir`, as (request path, bytes), skipping files over [`MAX_FILE_BYTES`].
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Bytes)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(root, &path, out)?;
        } else if kind.is_file() && entry.metadata()?.len() <= MAX_FILE_BYTES {
            let Ok(relative) = path.strip_prefix(root) else {
                continue;
            };
            let Some(relative) = relative.to_str() else {
                continue;
            };
            let request_path = format!("/{}", relative.replace(std::path::MAIN_SEPARATOR, "/"));
            out.push((request_path, Bytes::from(std::fs::read(&path)?)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, SiteFiles) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("pkg/shop.css"), "body{}").unwrap();
        std::fs::write(dir.path().join("pkg/shop.css.br"), "BR").unwrap();
        std::fs::write(dir.path().join("pkg/shop.css.gz"), "GZ").unwrap();
        std::fs::write(dir.path().join("docs/index.html"), "<p>docs</p>").unwrap();
        let files = SiteFiles::load(dir.path(), &[]).unwrap();
        (dir, files)
    }

    fn get(
        files: &SiteFiles,
        path: &str,
        headers: &[(&'static str, &'static str)],
    ) -> Option<Response> {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(*k, HeaderValue::from_static(v));
        }
        files.answer(&Method::GET, path, &map)
    }

    #[test]
    fn a_file_comes_with_its_type_length_and_validator_and_variants_are_not_files() {
        let (_dir, files) = site();
        assert_eq!(files.len(), 3, "shop.css, docs/index.html and docs/");
        let r = get(&files, "/pkg/shop.css", &[]).unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "text/css; charset=utf-8");
        assert!(r.headers()[header::ETAG].to_str().unwrap().starts_with('"'));
        assert!(r.headers().get(header::CONTENT_ENCODING).is_none());
        assert!(get(&files, "/pkg/shop.css.br", &[]).is_none());
        assert!(get(&files, "/docs/", &[]).is_some());
        assert!(get(&files, "/nothing.js", &[]).is_none());
        let post = files.answer(&Method::POST, "/pkg/shop.css", &HeaderMap::new());
        assert!(post.is_none());
    }

    #[test]
    fn the_best_accepted_encoding_is_sent_and_a_refused_one_never() {
        let (_dir, files) = site();
        let enc = |h: &[(&'static str, &'static str)]| {
            get(&files, "/pkg/shop.css", h)
                .unwrap()
                .headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(
            enc(&[("accept-encoding", "gzip, deflate, br")]).as_deref(),
            Some("br")
        );
        assert_eq!(enc(&[("accept-encoding", "gzip")]).as_deref(), Some("gzip"));
        assert_eq!(
            enc(&[("accept-encoding", "br;q=0, gzip")]).as_deref(),
            Some("gzip")
        );
        assert_eq!(enc(&[("accept-encoding", "identity")]), None);
        assert_eq!(enc(&[]), None, "nothing asked, nothing compressed");
        // RFC 9110 §12.5.3: `*` stands only for codings not listed, so `br;q=0` holds.
        assert_eq!(
            enc(&[("accept-encoding", "br;q=0, *")]).as_deref(),
            Some("gzip")
        );
        assert_eq!(
            enc(&[("accept-encoding", "*;q=0.5")]).as_deref(),
            Some("br")
        );
        assert_eq!(enc(&[("accept-encoding", "*;q=0")]), None);
        assert_eq!(enc(&[("accept-encoding", "br;q=0, gzip;Q=0")]), None);
        // The higher weight wins; a tie goes to brotli; names and `q` in any case.
        assert_eq!(
            enc(&[("accept-encoding", "br;q=0.5, gzip;q=0.8")]).as_deref(),
            Some("gzip")
        );
        assert_eq!(
            enc(&[("accept-encoding", "GZIP;q=0.8, BR;Q=0.8")]).as_deref(),
            Some("br")
        );
        assert_eq!(
            enc(&[("accept-encoding", "x-gzip")]).as_deref(),
            Some("gzip")
        );
        // Two fields are one list (RFC 9110 §5.3); a malformed weight refuses.
        assert_eq!(
            enc(&[("accept-encoding", "gzip"), ("accept-encoding", "br;q=0.9")]).as_deref(),
            Some("gzip")
        );
        assert_eq!(enc(&[("accept-encoding", "br;q=high, gzip;q=2")]), None);
    }

    #[test]
    fn text_is_compressed_once_at_start_and_hashed_names_are_cached_for_a_year() {
        use std::io::Read as _;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        let css = "body { color: #2b2118; }\n".repeat(200);
        std::fs::write(dir.path().join("pkg/shop.Q1.css"), &css).unwrap();
        std::fs::write(dir.path().join("pkg/tiny.css"), "a{}").unwrap();
        std::fs::write(dir.path().join("logo.png"), vec![7u8; 4096]).unwrap();
        let files = SiteFiles::load(dir.path(), &["/pkg/shop.Q1.css".to_owned()]).unwrap();
        let body = |r: Response| {
            let bytes = futures::executor::block_on(axum::body::to_bytes(r.into_body(), 1 << 20));
            bytes.unwrap().to_vec()
        };

        let r = get(&files, "/pkg/shop.Q1.css", &[("accept-encoding", "br")]).unwrap();
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(r.headers()[header::CACHE_CONTROL], IMMUTABLE);
        assert_eq!(r.headers()[header::VARY], "accept-encoding");
        let compressed = body(r);
        assert!(
            compressed.len() < css.len() / 10,
            "{} bytes",
            compressed.len()
        );
        let mut plain = String::new();
        brotli_decompressor::Decompressor::new(&compressed[..], 4096)
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, css);

        let r = get(&files, "/pkg/shop.Q1.css", &[("accept-encoding", "gzip")]).unwrap();
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&body(r)[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, css);

        // Too small, or not text: as it is, revalidated.
        for path in ["/pkg/tiny.css", "/logo.png"] {
            let r = get(&files, path, &[("accept-encoding", "br, gzip")]).unwrap();
            assert!(
                r.headers().get(header::CONTENT_ENCODING).is_none(),
                "{path}"
            );
            assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        }
    }

    #[test]
    fn a_matching_validator_is_a_304() {
        let (_dir, files) = site();
        let etag = get(&files, "/pkg/shop.css", &[]).unwrap().headers()[header::ETAG].clone();
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, etag);
        let r = files.answer(&Method::GET, "/pkg/shop.css", &h).unwrap();
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        let r = get(&files, "/pkg/shop.css", &[("if-none-match", "\"other\"")]).unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
}
