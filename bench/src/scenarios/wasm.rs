//! The release hydrate bundle in `target/site/pkg/`, raw and gzip -9 (each file compressed on
//! its own): what a browser downloads before a screen is interactive. That is the main module,
//! its JavaScript glue and the split loader, plus the chunks the screen's route needs
//! (`__wasm_split_manifest.json`, written by `make build`'s split step). Then the same files
//! as the running console sends them to a browser that accepts brotli: the bytes on the wire.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;

use super::World;
use crate::procs::Paths;
use crate::report::Report;
use crate::BenchError;

/// The budget for a screen's first visit, compressed (issue "Fast").
const TARGET_GZIP_KIB: f64 = 150.0;

/// The main module's name (`output-name` in Cargo.toml).
const MAIN: &str = "reseller-console";
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

/// Screens measured, each with the lazy routes (`pages/lazy.rs`) its first visit loads.
const SCREENS: [(&str, &[&str]); 4] = [
    ("/login", &["login"]),
    ("/ (dashboard)", &["home"]),
    ("/customers", &["customers"]),
    ("/customers/:user (plan tab)", &["customer", "plan"]),
];

fn gzip_size(path: &Path) -> Result<(usize, usize), BenchError> {
    let bytes = std::fs::read(path)?;
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(&bytes)?;
    Ok((bytes.len(), encoder.finish()?.len()))
}

pub fn measure(paths: &Paths, report: &mut Report) -> Result<(), BenchError> {
    let pkg = paths.site.join("pkg");
    let main_wasm = pkg.join(format!("{MAIN}.wasm"));
    if !main_wasm.exists() {
        return Err(BenchError::Setup(format!("no {}", main_wasm.display())));
    }
    let kib = |n: usize| n as f64 / 1024.0;

    let mut shell = (0, 0);
    for file in shell_files() {
        let (raw, gzip) = gzip_size(&pkg.join(file))?;
        shell = (shell.0 + raw, shell.1 + gzip);
    }
    report.note(
        "wasm shell (main module, js, split loader), raw",
        kib(shell.0),
        "KiB",
        "(uncompressed)",
    );
    report.add(
        "wasm shell (main module, js, split loader), gzip -9",
        kib(shell.1),
        "KiB",
        "target <= 150 KiB",
        TARGET_GZIP_KIB,
    );

    for (screen, routes) in SCREENS {
        let mut gzip = 0;
        for file in first_visit(&pkg, routes)? {
            gzip += gzip_size(&pkg.join(file))?.1;
        }
        report.add(
            &format!("wasm first visit of {screen}, gzip -9"),
            kib(gzip),
            "KiB",
            "target <= 150 KiB (shell plus the screen's chunks)",
            TARGET_GZIP_KIB,
        );
    }

    let mut all = 0;
    for entry in std::fs::read_dir(&pkg)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            all += gzip_size(&path)?.1;
        }
    }
    report.note(
        "wasm, every screen's code together, gzip -9",
        kib(all),
        "KiB",
        "(what a visit to every screen downloads)",
    );
    Ok(())
}

/// The files a first visit of a screen with `routes` downloads: the shell, then each route's
/// chunks as the split manifest lists them.
fn first_visit(pkg: &Path, routes: &[&str]) -> Result<Vec<String>, BenchError> {
    // Route view name -> the chunk files it needs.
    let manifest: BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&std::fs::read(pkg.join("__wasm_split_manifest.json"))?)
            .map_err(|error| BenchError::Setup(format!("split manifest: {error}")))?;
    let mut chunks = BTreeSet::new();
    for route in routes {
        let prefix = format!("__{route}_route_view_");
        let (_, files) = manifest
            .iter()
            .find(|(name, _)| name.starts_with(&prefix))
            .ok_or_else(|| BenchError::Setup(format!("no split for {route} in the manifest")))?;
        chunks.extend(files.iter().map(|chunk| format!("{chunk}.wasm")));
    }
    let mut files = shell_files();
    files.extend(chunks);
    Ok(files)
}

/// What every screen loads first: the main module, its JavaScript glue and the split loader.
fn shell_files() -> Vec<String> {
    vec![
        format!("{MAIN}.wasm"),
        format!("{MAIN}.js"),
        SPLIT_LOADER.to_string(),
    ]
}

/// Each screen's first visit as the console sends it to a browser accepting brotli and gzip
/// (the client here does not decompress, so a body's length is its bytes on the wire).
pub async fn on_the_wire(world: &World, report: &mut Report) -> Result<(), BenchError> {
    let pkg = world.paths.site.join("pkg");
    let client = reqwest::Client::new();
    for (screen, routes) in SCREENS {
        let mut wire = 0;
        for file in first_visit(&pkg, routes)? {
            let response = client
                .get(format!("{}/pkg/{file}", world.console.url))
                .header("accept-encoding", "br, gzip")
                .send()
                .await?;
            let encoding = response
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_string();
            if encoding != "br" {
                return Err(BenchError::Console(format!(
                    "/pkg/{file} came as {encoding}, not brotli"
                )));
            }
            wire += response.bytes().await?.len();
        }
        report.add(
            &format!("first visit of {screen}, brotli on the wire"),
            wire as f64 / 1024.0,
            "KiB",
            "target <= 150 KiB",
            TARGET_GZIP_KIB,
        );
    }
    Ok(())
}
