//! Brotli (RFC 7932) and gzip (RFC 1952) compression of whole files in memory, for the gateway
//! to compress the site's files once at start.
//!
//! A crate of its own for one reason: the `brotli` encoder is generic code, compiled in the crate
//! that calls it. Called from here, through these two non-generic functions, it is compiled with
//! this crate's `opt-level` (3 in the workspace's `[profile.dev.package.shop-compress]`), so a
//! debug build compresses the 6 MB debug wasm in well under a second instead of about eight.

use std::io::Write as _;

/// `input` compressed with brotli at `quality` (0-11; 11 is the smallest and slowest) and a
/// 4 MiB window (lgwin 22, the encoder's default).
#[must_use]
pub fn brotli(input: &[u8], quality: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 3);
    let params = brotli::enc::BrotliEncoderParams {
        quality: i32::from(quality.min(11)),
        ..Default::default()
    };
    // Reading a slice and writing a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &input[..], &mut out, &params);
    out
}

/// `input` compressed with gzip at `level` (1-9; 9 is the smallest and slowest).
#[must_use]
pub fn gzip(input: &[u8], level: u8) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(input.len() / 3),
        flate2::Compression::new(u32::from(level.clamp(1, 9))),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(input);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn both_round_trip_and_shrink_text() {
        let text = "Coffee, tea and brewing gear. ".repeat(500);
        let br = brotli(text.as_bytes(), 9);
        let mut back = String::new();
        brotli_decompressor::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        assert!(br.len() < text.len() / 20, "{} bytes", br.len());

        let gz = gzip(text.as_bytes(), 9);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        assert!(gz.len() < text.len() / 10, "{} bytes", gz.len());
    }
}
