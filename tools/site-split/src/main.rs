//! `site-split INPUT.wasm PKG_DIR MAIN_OUT.wasm NAME`: splits the wasm cargo built for the
//! browser into the main module (written to MAIN_OUT, for wasm-bindgen) and one chunk per
//! lazily loaded screen (written to PKG_DIR), with the loader the chunks import
//! (`__wasm_split.______________________.js`) and the manifest the server reads to preload a
//! route's chunks (`__wasm_split_manifest.json`). This is the split step of
//! `cargo leptos build --split`, run from the Makefile so that building the site needs no
//! cargo-leptos (whose own build was most of a cold `make test`).

use std::path::PathBuf;
use std::process::ExitCode;

/// The file names `leptos::hydration` expects (leptos 0.8, `hydration/mod.rs`).
const LOADER: &str = "./__wasm_split.______________________.js";
const MANIFEST: &str = "__wasm_split_manifest.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, pkg_dir, main_out, name] = args.as_slice() else {
        eprintln!("usage: site-split INPUT.wasm PKG_DIR MAIN_OUT.wasm NAME");
        return ExitCode::from(2);
    };
    match split(input, pkg_dir, main_out, name) {
        Ok(chunks) => {
            println!("site-split: {chunks} chunks in {pkg_dir}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("site-split: {error}");
            ExitCode::FAILURE
        }
    }
}

fn split(
    input: &str,
    pkg_dir: &str,
    main_out: &str,
    name: &str,
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    let wasm = std::fs::read(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let output_dir = PathBuf::from(pkg_dir);
    let main_out = PathBuf::from(main_out);
    // The chunks import `initSync` and the memory from the module wasm-bindgen writes.
    let main_module = format!("./{name}.js");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = &output_dir;
    options.main_out_path = &main_out;
    options.main_module = &main_module;
    options.link_name = LOADER;
    let split = wasm_split_cli_support::transform(options)?;
    std::fs::write(
        output_dir.join(MANIFEST),
        serde_json::to_string_pretty(&split.prefetch_map)?,
    )?;
    Ok(split.split_modules.len())
}
