//! Every problem `code` the services send has the app's own sentence: the browser app shows
//! its words for each code (in French and English) instead of the API's English `detail`.

use std::path::{Path, PathBuf};

/// The workspace's root (this crate is `server/system-tests`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text of every `.rs` file under `dir`, test modules cut off.
fn sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
            out.push(text);
        }
    }
}

/// The codes in `text`: the first string literal of lower-case letters and `_` within 200
/// bytes after each call that builds a problem (`problem(`, `problem_body(`, `bad_request(`,
/// `Problem::new(`, `Self::new(` in `Problem` itself).
fn codes_in(text: &str, codes: &mut std::collections::BTreeSet<String>) {
    for call in [
        "problem(",
        "problem_body(",
        "bad_request(",
        "Problem::new(",
        "Self::new(",
    ] {
        for (at, _) in text.match_indices(call) {
            let after = &text[at + call.len()..];
            let window = &after[..after.len().min(200)];
            let mut literals = window.split('"').skip(1).step_by(2);
            if let Some(code) = literals.next() {
                if !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    codes.insert(code.to_owned());
                }
            }
        }
    }
}

#[test]
fn every_problem_code_the_services_send_has_the_apps_own_words() {
    let mut texts = Vec::new();
    for dir in ["auth", "orders", "gateway", "common", "api-types"] {
        sources(&root().join("server").join(dir).join("src"), &mut texts);
    }
    let mut codes = std::collections::BTreeSet::new();
    for text in &texts {
        codes_in(text, &mut codes);
    }
    // The scan must see the codes it is about, or it proves nothing.
    for known in [
        "out_of_stock",
        "validation_failed",
        "too_many_streams",
        "unsafe_path",
    ] {
        assert!(codes.contains(known), "the scan missed {known}: {codes:?}");
    }
    let words = std::fs::read_to_string(root().join("app/src/problems.rs")).unwrap();
    let missing: Vec<_> = codes
        .iter()
        .filter(|c| !words.contains(&format!("\"{c}\"")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes with no arm in app/src/problems.rs (the app would show its general sentence): {missing:?}"
    );
}
