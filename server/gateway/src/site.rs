//! The single-page app: static files from the site root built by cargo-leptos, and the HTML
//! shell for every other path (client-side routes), rendered by Leptos.

use crate::site_files::SiteFiles;
use axum::extract::Request;
use axum::http::Method;
use axum::response::IntoResponse;
use axum::routing::{any, get, MethodRouter};
use bytes::Bytes;
use leptos::prelude::*;
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

/// The names of the app's script, module and stylesheet under the site's package folder.
///
/// With `hash-files` (cargo-leptos), each name carries a hash of the file's content
/// (`shop.<hash>.wasm`), read from the hash file cargo-leptos writes beside the server binary
/// (`<exe dir>/hash.txt`, lines `js: <hash>`, `wasm: <hash>`, `css: <hash>`: the convention
/// Leptos's own `HydrationScripts` follows). Such a file never changes under its name, so it is
/// cached for a year ([`crate::site_files::IMMUTABLE`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PkgNames {
    /// Request paths, e.g. `/pkg/shop.1a2b.js`.
    pub(crate) js: String,
    pub(crate) wasm: String,
    pub(crate) css: String,
    /// Whether the names carry content hashes.
    pub(crate) hashed: bool,
}

impl PkgNames {
    /// The names for `options`: hashed when `options.hash_files` and the hash file names all
    /// three; else the plain `shop.js`, `shop.wasm`, `shop.css` (with a warning if hashes were
    /// expected).
    pub(crate) fn of(options: &LeptosOptions) -> Self {
        let hashes = options
            .hash_files
            .then(|| {
                let exe = std::env::current_exe().ok()?;
                let file = exe.parent()?.join(options.hash_file.as_ref());
                let text = std::fs::read_to_string(&file)
                    .inspect_err(|e| {
                        tracing::warn!(file = %file.display(), error = %e, "hash-files is on but the hash file cannot be read; serving unhashed names");
                    })
                    .ok()?;
                Some(text)
            })
            .flatten();
        Self::from_hash_file(options, hashes.as_deref())
    }

    /// The names for `options` given the hash file's text (`None`: unhashed).
    pub(crate) fn from_hash_file(options: &LeptosOptions, hash_file: Option<&str>) -> Self {
        let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
        let hash_of = |kind: &str| {
            hash_file?.lines().find_map(|line| {
                let (k, v) = line.split_once(':')?;
                let v = v.trim();
                (k.trim() == kind
                    && !v.is_empty()
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
                .then(|| v.to_owned())
            })
        };
        match (hash_of("js"), hash_of("wasm"), hash_of("css")) {
            (Some(js), Some(wasm), Some(css)) => Self {
                js: format!("{pkg}.{js}.js"),
                wasm: format!("{pkg}.{wasm}.wasm"),
                css: format!("{pkg}.{css}.css"),
                hashed: true,
            },
            _ => Self {
                js: format!("{pkg}.js"),
                wasm: format!("{pkg}.wasm"),
                css: format!("{pkg}.css"),
                hashed: false,
            },
        }
    }
}

/// The page that loads the app: stylesheet, the wasm module, and live reload under
/// `cargo leptos watch`. The app mounts itself into `<body>` (client-side rendering).
fn shell(options: LeptosOptions, names: &PkgNames) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content="Coffee, tea and brewing gear." />
                <title>"Bean & Leaf"</title>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=names.css.clone() />
                <link rel="modulepreload" href=names.js.clone() />
                <link rel="preload" href=names.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="" />
                <AutoReload options=options.clone() />
                <script type="module" src="/boot.js"></script>
            </head>
            <body>
                <noscript>"This shop needs JavaScript and WebAssembly."</noscript>
            </body>
        </html>
    }
}

/// The text of `GET /boot.js`.
fn boot_text(names: &PkgNames) -> String {
    format!(
        "import init from '{}';\ninit({{ module_or_path: '{}' }});\n",
        names.js, names.wasm
    )
}

/// `GET /boot.js`: the module that loads the app's wasm. A file of its own, not an inline
/// script, so the Content-Security-Policy needs no `'unsafe-inline'`. Its name has no hash, so
/// it is revalidated every time (`no-cache`); under live reload the names are read again per
/// request (cargo-leptos renames the files on every build).
pub(crate) fn boot_script(
    options: &LeptosOptions,
    names: &PkgNames,
    live_reload: bool,
) -> impl Fn() -> std::future::Ready<axum::response::Response> + Clone {
    let options = options.clone();
    let body = boot_text(names);
    move || {
        let body = if live_reload {
            boot_text(&PkgNames::of(&options))
        } else {
            body.clone()
        };
        std::future::ready(
            (
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "text/javascript; charset=utf-8",
                    ),
                    (axum::http::header::CACHE_CONTROL, "no-cache"),
                ],
                body,
            )
                .into_response(),
        )
    }
}

/// Whether a path names a file (its last segment has an extension): a missing file is a 404,
/// not the app.
fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// The shell as HTML. Plain `to_html`, not Leptos's streaming renderer: that one appends inline
/// `<script>`s for server resources, which a client-side app has none of and which the
/// Content-Security-Policy (rightly) blocks.
fn shell_html(options: LeptosOptions, names: &PkgNames) -> String {
    Owner::new().with(|| shell(options, names).to_html())
}

/// The shell answer: 200 for a page of the app ([`api_types::site::is_app_route`]), else 404
/// (the app then shows its not-found page); `no-cache`, as its name never changes.
fn shell_response(html: Bytes, path: &str) -> axum::response::Response {
    let status = if api_types::site::is_app_route(path) {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::NOT_FOUND
    };
    (
        status,
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        html,
    )
        .into_response()
}

/// Serves the site, linking the app's files by `names` ([`PkgNames::of`], read again per request
/// under live reload): files held in memory ([`SiteFiles`], read at start unless `live_reload`),
/// else files under `options.site_root` from disk, else the shell for client routes (404 for a
/// path that is no page of the app), else 404.
///
/// # Errors
/// A file under the site root that cannot be read at start.
pub(crate) fn service(
    options: LeptosOptions,
    names: PkgNames,
    live_reload: bool,
) -> std::io::Result<MethodRouter> {
    let root = options.site_root.to_string();
    let files = if live_reload {
        SiteFiles::none()
    } else {
        let immutable = if names.hashed {
            vec![names.js.clone(), names.wasm.clone(), names.css.clone()]
        } else {
            Vec::new()
        };
        SiteFiles::load(std::path::Path::new(&root), &immutable)?
    };
    tracing::debug!(files = files.len(), %root, hashed = names.hashed, "site files held in memory");
    let files = std::sync::Arc::new(files);
    let html = Bytes::from(shell_html(options.clone(), &names));
    // Under live reload the file names change with every build: the shell is rendered per request.
    // Shared, not cloned per request: it holds the Leptos options (a dozen strings).
    let shell = std::sync::Arc::new(move |path: &str| {
        let html = if live_reload {
            Bytes::from(shell_html(options.clone(), &PkgNames::of(&options)))
        } else {
            html.clone()
        };
        shell_response(html, path)
    });
    let index = {
        let shell = shell.clone();
        move |req: Request| {
            let shell = shell.clone();
            async move {
                if looks_like_file(req.uri().path()) {
                    shop_common::problem::not_found().await
                } else {
                    shell(req.uri().path())
                }
            }
        }
    };
    // Cloned (with its boxed fallback) only for a request the held files do not answer.
    let disk = std::sync::Arc::new(ServeDir::new(root).fallback(get(index)));
    Ok(any(move |req: Request| {
        let files = files.clone();
        let disk = disk.clone();
        let shell = shell.clone();
        async move {
            let path = req.uri().path();
            if let Some(answer) = files.answer(req.method(), path, req.headers()) {
                return answer;
            }
            if path == "/" && matches!(*req.method(), Method::GET | Method::HEAD) {
                return shell(path);
            }
            match ServeDir::clone(&disk).oneshot(req).await {
                Ok(answer) => answer.into_response(),
                Err(never) => match never {},
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_has_no_inline_script() {
        let options = LeptosOptions::builder().output_name("shop").build();
        let html = shell_html(options.clone(), &PkgNames::from_hash_file(&options, None));
        assert!(
            html.contains(r#"<script type="module" src="/boot.js"></script>"#),
            "{html}"
        );
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(
            scripts
                .iter()
                .all(|s| s.split('>').next().unwrap_or("").contains("src=")),
            "{html}"
        );
    }

    #[test]
    fn hashed_names_come_from_the_hash_file_and_plain_ones_without_it() {
        let options = LeptosOptions::builder().output_name("shop").build();
        let hashed = PkgNames::from_hash_file(
            &options,
            Some("js: aB3-_x\nwasm: Zz9\ncss: Q1\nmanifest: m\n"),
        );
        assert_eq!(
            hashed,
            PkgNames {
                js: "/pkg/shop.aB3-_x.js".into(),
                wasm: "/pkg/shop.Zz9.wasm".into(),
                css: "/pkg/shop.Q1.css".into(),
                hashed: true,
            }
        );
        let html = shell_html(options.clone(), &hashed);
        assert!(html.contains(r#"href="/pkg/shop.Q1.css""#), "{html}");
        assert!(
            html.contains(r#"<link rel="preload" href="/pkg/shop.Zz9.wasm" as="fetch" type="application/wasm" crossorigin"#),
            "{html}"
        );
        assert!(boot_text(&hashed).contains("'/pkg/shop.Zz9.wasm'"));
        // A hash file without the stylesheet, or with a hash that is no file-name word: plain names.
        for text in ["js: a\nwasm: b\n", "js: a\nwasm: b\ncss: ../x\n"] {
            let plain = PkgNames::from_hash_file(&options, Some(text));
            assert_eq!(plain.css, "/pkg/shop.css");
            assert!(!plain.hashed);
        }
    }

    #[test]
    fn unknown_pages_get_the_shell_with_404() {
        let html = Bytes::from_static(b"<html></html>");
        assert_eq!(shell_response(html.clone(), "/orders/3").status(), 200);
        let r = shell_response(html, "/no-such-page");
        assert_eq!(r.status(), 404);
        assert_eq!(r.headers()[axum::http::header::CACHE_CONTROL], "no-cache");
    }

    #[test]
    fn the_gateway_knows_every_route_of_the_app() {
        let app = include_str!("../../../app/src/lib.rs");
        let routes: Vec<&str> = app
            .split("path!(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(!routes.is_empty());
        assert_eq!(routes, api_types::site::ROUTES);
    }

    #[test]
    fn paths_with_an_extension_are_files() {
        assert!(looks_like_file("/pkg/shop.wasm"));
        assert!(looks_like_file("/images/x.svg"));
        assert!(!looks_like_file("/"));
        assert!(!looks_like_file("/products/3"));
        assert!(!looks_like_file("/orders"));
    }
}
