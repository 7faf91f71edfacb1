//! The settings table of `docs/settings.md` lists exactly the settings the binaries accept:
//! every environment variable of `shop --help` (which includes those of `gateway`, `auth` and
//! `orders`), and no other, except those read by the libraries themselves.

use clap::CommandFactory;
use std::collections::BTreeSet;

/// Documented variables that are not clap settings: Leptos reads the site options itself,
/// and the log filter is tracing's.
const READ_ELSEWHERE: &[&str] = &["LEPTOS_SITE_ADDR", "LEPTOS_SITE_ROOT", "RUST_LOG"];

#[test]
fn the_settings_table_lists_every_setting_and_only_those() {
    let accepted: BTreeSet<String> = shop::Config::command()
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|env| env.to_string_lossy().into_owned())
        .collect();
    let table = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/settings.md"
    ))
    .unwrap();
    let documented: BTreeSet<String> = table
        .lines()
        .filter(|line| line.starts_with("| `"))
        .flat_map(|line| {
            let first_cell = line.split('|').nth(1).unwrap_or_default();
            first_cell
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    let undocumented: Vec<&String> = accepted.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "not in docs/settings.md: {undocumented:?}"
    );
    let unknown: Vec<&String> = documented
        .difference(&accepted)
        .filter(|name| !READ_ELSEWHERE.contains(&name.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "documented but not accepted: {unknown:?}"
    );
}
