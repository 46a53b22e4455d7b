//! The release hydrate bundle: raw and gzip -9 sizes of `target/site/pkg/*.wasm`.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::procs::Paths;
use crate::report::Report;
use crate::BenchError;

/// The design's budget for the compressed bundle.
const TARGET_GZIP_KIB: f64 = 250.0;

pub fn measure(paths: &Paths, report: &mut Report) -> Result<(), BenchError> {
    let pkg = paths.site.join("pkg");
    let mut raw = 0usize;
    let mut gzip = 0usize;
    for entry in std::fs::read_dir(&pkg)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path)?;
            let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
            encoder.write_all(&bytes)?;
            raw += bytes.len();
            gzip += encoder.finish()?.len();
        }
    }
    if raw == 0 {
        return Err(BenchError::Setup(format!("no .wasm in {}", pkg.display())));
    }
    let kib = |n: usize| n as f64 / 1024.0;
    report.note("wasm bundle, raw", kib(raw), "KiB", "(uncompressed)");
    report.add(
        "wasm bundle, gzip -9",
        kib(gzip),
        "KiB",
        "target <= 250 KiB",
        TARGET_GZIP_KIB,
    );
    Ok(())
}
