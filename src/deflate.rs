//! Deflate compression for both writers: the PDF's Flate streams (zlib format) and the
//! EPUB's zip entries (raw deflate), by libdeflate at its fastest level.
//!
//! The level: page contents (highly repetitive operators and glyph ids) shrink about
//! fivefold, XHTML about threefold. On the example brief's streams, libdeflate's level 1
//! gives 1.6 % less than zlib-rs's level 2 did, in 37 % less time (compression was three
//! quarters of the PDF writer's work); its level 2 gives 4.5 % less for 36 % more time.
//!
//! One compressor per thread, reused: setting one up allocates its match finder. Output is
//! deterministic: the same bytes give the same output on any thread.

use std::cell::RefCell;

const LEVEL: i32 = 1;

thread_local! {
    static COMPRESSOR: RefCell<Option<libdeflater::Compressor>> = const { RefCell::new(None) };
}

/// The two formats libdeflate writes here.
#[derive(Clone, Copy)]
enum Format {
    /// RFC 1950: a header, the deflate data, an Adler-32 (PDF's FlateDecode).
    Zlib,
    /// RFC 1951: the deflate data alone (zip's method 8).
    Raw,
}

/// Sets up this thread's compressor ahead of its first use (allocating and clearing its
/// match finder), for a thread that would otherwise wait (see `pipeline::build_all_with`).
pub fn warm() {
    COMPRESSOR.with(|c| {
        c.borrow_mut().get_or_insert_with(|| {
            libdeflater::Compressor::new(libdeflater::CompressionLvl::new(LEVEL).unwrap_or_default())
        });
    });
}

fn compress(data: &[u8], format: Format) -> Vec<u8> {
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        let c = c.get_or_insert_with(|| {
            libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(LEVEL).unwrap_or_default(),
            )
        });
        let bound = match format {
            Format::Zlib => c.zlib_compress_bound(data.len()),
            Format::Raw => c.deflate_compress_bound(data.len()),
        };
        let mut out = vec![0u8; bound];
        let written = match format {
            Format::Zlib => c.zlib_compress(data, &mut out),
            Format::Raw => c.deflate_compress(data, &mut out),
        };
        match written {
            // Outputs are kept until the file is assembled: give back the bound's slack
            // (the bound is the input's size; text shrinks three- to fivefold).
            Ok(n) => {
                out.truncate(n);
                out.shrink_to_fit();
                out
            }
            // The buffer is the bound libdeflate asks for: this does not happen. Should it,
            // flate2 compresses the data instead.
            Err(_) => fallback(data, format),
        }
    })
}

/// `data` as a zlib stream.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    compress(data, Format::Zlib)
}

/// `data` as raw deflate data.
pub fn raw(data: &[u8]) -> Vec<u8> {
    compress(data, Format::Raw)
}

/// `data` compressed by flate2 (the crate's other compressor), for the case libdeflate
/// refuses.
fn fallback(data: &[u8], format: Format) -> Vec<u8> {
    use std::io::Write;
    let out = Vec::with_capacity(data.len() / 2 + 64);
    let level = flate2::Compression::fast();
    // Writing to a Vec cannot fail.
    match format {
        Format::Zlib => {
            let mut z = flate2::write::ZlibEncoder::new(out, level);
            let _ = z.write_all(data);
            z.finish().unwrap_or_default()
        }
        Format::Raw => {
            let mut z = flate2::write::DeflateEncoder::new(out, level);
            let _ = z.write_all(data);
            z.finish().unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn sample() -> Vec<u8> {
        (0..50_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect()
    }

    #[test]
    fn zlib_round_trips_and_is_repeatable() {
        let data = sample();
        let a = zlib(&data);
        assert_eq!(a, zlib(&data), "same bytes, same stream");
        assert!(a.len() < data.len() / 2);
        let mut back = Vec::new();
        let _ = flate2::read::ZlibDecoder::new(&a[..]).read_to_end(&mut back);
        assert_eq!(back, data);
    }

    #[test]
    fn raw_round_trips_and_is_repeatable() {
        let data = sample();
        let a = raw(&data);
        assert_eq!(a, raw(&data));
        assert!(a.len() < data.len() / 2);
        let mut back = Vec::new();
        let _ = flate2::read::DeflateDecoder::new(&a[..]).read_to_end(&mut back);
        assert_eq!(back, data);
        // Empty input is a valid (tiny) stream too.
        let mut back = Vec::new();
        let _ = flate2::read::DeflateDecoder::new(&raw(b"")[..]).read_to_end(&mut back);
        assert!(back.is_empty());
    }

    #[test]
    fn fallbacks_decode_to_the_input() {
        for n in [0usize, 1, 65535, 65536, 200_000] {
            let data: Vec<u8> = (0..n as u32).map(|i| (i * 7 % 251) as u8).collect();
            for (format, zlib_format) in [(Format::Zlib, true), (Format::Raw, false)] {
                let z = fallback(&data, format);
                let mut back = Vec::new();
                if zlib_format {
                    let _ = flate2::read::ZlibDecoder::new(&z[..]).read_to_end(&mut back);
                } else {
                    let _ = flate2::read::DeflateDecoder::new(&z[..]).read_to_end(&mut back);
                }
                assert_eq!(back, data, "{n}");
            }
        }
    }
}
