//! The console's rules come from the documents (API.md), never from the simulator's choices
//! (simulator/README.md "Choices where the docs are silent"): no source file of the console,
//! its client or its server may give that page, or a numbered choice of it, as a reason.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Whether `line` cites the simulator's README or one of its choices.
fn cites_the_simulator(line: &str) -> bool {
    let line = line.to_ascii_lowercase();
    let readme = line.contains("readme");
    let choice = line
        .match_indices("choice ")
        .any(|(at, word)| line[at + word.len()..].starts_with(|c: char| c.is_ascii_digit()));
    (readme && (line.contains("simulator") || choice))
        || line.contains("simulator's reading")
        || line.contains("simulator's choice")
        || line.contains("simulator implements")
}

#[test]
fn no_console_rule_cites_the_simulator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = vec![];
    for crate_dir in ["app/src", "server/src", "sendgrid/src"] {
        rust_files(&root.join(crate_dir), &mut files);
    }
    assert!(files.len() > 50, "the sources were found");
    let mut citing = vec![];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            if cites_the_simulator(line) {
                citing.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        citing.is_empty(),
        "cite API.md instead of the simulator's choices:\n{}",
        citing.join("\n")
    );
}

#[test]
fn the_check_recognises_a_citation() {
    assert!(cites_the_simulator(
        "// (the simulator's reading of §2.6, README choice 8)."
    ));
    assert!(cites_the_simulator("/// see simulator/README.md"));
    assert!(cites_the_simulator("// README choice 11: keep exact ones"));
    assert!(!cites_the_simulator(
        "// API.md §2.2: free customers cannot be downgraded"
    ));
    assert!(!cites_the_simulator(
        "/// Customers in the embedded simulator's demo world."
    ));
}
