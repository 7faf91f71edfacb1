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

/// The page that loads the app: stylesheet, the wasm module, and live reload under
/// `cargo leptos watch`. The app mounts itself into `<body>` (client-side rendering).
fn shell(options: LeptosOptions) -> impl IntoView {
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content="Coffee, tea and brewing gear." />
                <title>"Bean & Leaf"</title>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=format!("{pkg}.css") />
                <link rel="modulepreload" href=format!("{pkg}.js") />
                <AutoReload options=options.clone() />
                <script type="module" src="/boot.js"></script>
            </head>
            <body>
                <noscript>"This shop needs JavaScript and WebAssembly."</noscript>
            </body>
        </html>
    }
}

/// `GET /boot.js`: the module that loads the app's wasm. A file of its own, not an inline
/// script, so the Content-Security-Policy needs no `'unsafe-inline'`.
pub(crate) fn boot_script(
    options: &LeptosOptions,
) -> impl Fn() -> std::future::Ready<([(axum::http::HeaderName, &'static str); 1], String)> + Clone
{
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    let body = format!("import init from '{pkg}.js';\ninit({{ module_or_path: '{pkg}.wasm' }});\n");
    move || {
        std::future::ready((
            [(
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            )],
            body.clone(),
        ))
    }
}

/// Whether a path names a file (its last segment has an extension): a missing file is a 404,
/// not the app.
fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// The shell as HTML, rendered once. Plain `to_html`, not Leptos's streaming renderer: that
/// one appends inline `<script>`s for server resources, which a client-side app has none of
/// and which the Content-Security-Policy (rightly) blocks.
fn shell_html(options: LeptosOptions) -> String {
    Owner::new().with(|| shell(options).to_html())
}

/// Serves the site: files held in memory ([`SiteFiles`], read at start unless `live_reload`),
/// else files under `options.site_root` from disk, else the shell (200) for client routes,
/// else 404.
///
/// # Errors
/// A file under the site root that cannot be read at start.
pub(crate) fn service(options: LeptosOptions, live_reload: bool) -> std::io::Result<MethodRouter> {
    let root = options.site_root.to_string();
    let files = if live_reload {
        SiteFiles::none()
    } else {
        SiteFiles::load(std::path::Path::new(&root))?
    };
    tracing::debug!(files = files.len(), %root, "site files held in memory");
    let files = std::sync::Arc::new(files);
    let html = Bytes::from(shell_html(options));
    let shell = move || {
        let html = html.clone();
        (
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response()
    };
    let index = {
        let shell = shell.clone();
        move |req: Request| {
            let shell = shell.clone();
            async move {
                if looks_like_file(req.uri().path()) {
                    shop_common::problem::not_found().await
                } else {
                    shell()
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
                return shell();
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
        let html = shell_html(LeptosOptions::builder().output_name("shop").build());
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
    fn paths_with_an_extension_are_files() {
        assert!(looks_like_file("/pkg/shop.wasm"));
        assert!(looks_like_file("/images/x.svg"));
        assert!(!looks_like_file("/"));
        assert!(!looks_like_file("/products/3"));
        assert!(!looks_like_file("/orders"));
    }
}
