//! The one typed client of the shop's JSON API. Components call this, never `gloo-net`.
//!
//! [`PublicApi`] holds the calls that need no token; its [`PublicApi::login`] and
//! [`PublicApi::refresh`] return an [`AuthedApi`], the only way to make a call that needs an
//! access token, so such a call without a token does not compile. The refresh token never
//! reaches this code: the gateway keeps it in an `HttpOnly` cookie, asked for with the
//! `X-Refresh-Token-Transport: cookie` header.

use api_types::auth::{paths, LoginRequest, RegisterRequest, TokenResponse, User};
use api_types::catalog::{Category, Product, ProductPage, ProductSort};
use api_types::Problem;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

mod shopping;

const TRANSPORT_HEADER: &str = "X-Refresh-Token-Transport";

/// Whether the page's cookies hold the session hint
/// ([`api_types::auth::SESSION_HINT_COOKIE`]`=1`), which the gateway sets and clears with the
/// `HttpOnly` refresh token cookie: without it there is no session to resume, and a refresh
/// request could only be refused. A hint is no proof of a session: the refresh decides.
pub fn has_session_hint() -> bool {
    use wasm_bindgen::JsCast as _;
    let hint = format!("{}=1", api_types::auth::SESSION_HINT_COOKIE);
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .is_some_and(|cookies| cookies.split(';').any(|c| c.trim() == hint))
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with problem details (boxed: a problem is large, an error small).
    Problem(Box<Problem>),
    /// No answer (offline, server down) or an answer that is not what the API promises.
    Network(String),
}

impl ApiError {
    /// The problem's stable code, if the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Problem(p) => Some(&p.code),
            ApiError::Network(_) => None,
        }
    }

    /// Whether the access token was refused (HTTP 401).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Problem(p) if p.status == 401)
    }

    /// A sentence to show a person, in the current language (reactive; see
    /// [`crate::problems`]).
    pub fn message(&self) -> String {
        match self {
            ApiError::Problem(p) => crate::problems::problem_text(p),
            ApiError::Network(_) => leptos_fluent::tr!("network-error"),
        }
    }

    /// The rule `field` broke, when the server (or the app's own check) named it in a 422
    /// problem's `errors`.
    pub fn field_error(&self, field: &str) -> Option<String> {
        match self {
            ApiError::Problem(p) => p.field_error(field).map(str::to_owned),
            ApiError::Network(_) => None,
        }
    }
}

async fn problem_of(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(p) => ApiError::Problem(Box::new(p)),
        Err(_) => ApiError::Problem(Box::new(Problem::new(
            status,
            "http_error",
            "Error",
            Some(format!("The shop answered with HTTP {status}.")),
        ))),
    }
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        Ok(response)
    } else {
        Err(problem_of(response).await)
    }
}

async fn json<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    send(request)
        .await?
        .json::<T>()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

fn empty(builder: RequestBuilder) -> Result<Request, gloo_net::Error> {
    builder.build()
}

/// Calls that need no access token.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublicApi;

impl PublicApi {
    /// `POST /api/auth/register`.
    pub async fn register(self, body: &RegisterRequest) -> Result<User, ApiError> {
        json(Request::post(paths::REGISTER).json(body)).await
    }

    /// `POST /api/auth/login`; the refresh token goes into the `HttpOnly` cookie.
    pub async fn login(self, body: &LoginRequest) -> Result<AuthedApi, ApiError> {
        let tokens: TokenResponse = json(
            Request::post(paths::LOGIN)
                .header(TRANSPORT_HEADER, "cookie")
                .json(body),
        )
        .await?;
        Ok(AuthedApi {
            access_token: tokens.access_token,
        })
    }

    /// `POST /api/auth/refresh` with the cookie: a new access token (and a rotated cookie).
    pub async fn refresh(self) -> Result<AuthedApi, ApiError> {
        let tokens: TokenResponse = json(empty(
            Request::post(paths::REFRESH).header(TRANSPORT_HEADER, "cookie"),
        ))
        .await?;
        Ok(AuthedApi {
            access_token: tokens.access_token,
        })
    }

    /// `POST /api/auth/logout` with the cookie: ends the session and clears the cookie.
    pub async fn logout(self) -> Result<(), ApiError> {
        send(empty(
            Request::post(paths::LOGOUT).header(TRANSPORT_HEADER, "cookie"),
        ))
        .await
        .map(drop)
    }

    /// `GET /api/products`: one page of the catalog, filtered, searched and sorted.
    pub async fn products(self, query: CatalogQuery) -> Result<ProductPage, ApiError> {
        json(empty(query.apply(Request::get("/api/products")))).await
    }

    /// `GET /api/products/{id}`.
    pub async fn product(self, id: i64) -> Result<Product, ApiError> {
        json(empty(Request::get(&format!("/api/products/{id}")))).await
    }

    /// `GET /health/ready`: which services the gateway can reach. Answers with a report for
    /// 503 too (every service down).
    pub async fn health(self) -> Result<api_types::health::ReadyReport, ApiError> {
        let r = Request::get("/health/ready")
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        r.json().await.map_err(|e| ApiError::Network(e.to_string()))
    }

    /// `GET /api/categories`.
    pub async fn categories(self) -> Result<Vec<Category>, ApiError> {
        json(empty(Request::get("/api/categories"))).await
    }
}

/// What a catalog page shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CatalogQuery {
    pub page: u32,
    pub per_page: u32,
    pub category: Option<String>,
    pub q: Option<String>,
    pub sort: ProductSort,
}

impl CatalogQuery {
    fn apply(&self, b: RequestBuilder) -> RequestBuilder {
        let mut pairs = vec![
            ("page", self.page.max(1).to_string()),
            ("per_page", self.per_page.max(1).to_string()),
            ("sort", self.sort.as_str().to_owned()),
        ];
        pairs.extend(self.category.clone().map(|c| ("category", c)));
        pairs.extend(self.q.clone().map(|q| ("q", q)));
        b.query(pairs)
    }
}

/// Calls made with an access token (kept in memory only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthedApi {
    access_token: String,
}

impl AuthedApi {
    fn bearer(&self, b: RequestBuilder) -> RequestBuilder {
        b.header("Authorization", &format!("Bearer {}", self.access_token))
    }

    /// `GET /api/auth/me`.
    pub async fn me(&self) -> Result<User, ApiError> {
        json(empty(self.bearer(Request::get("/api/auth/me")))).await
    }

    /// `POST /api/auth/password`: every other session of the user ends.
    pub async fn change_password(
        &self,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), ApiError> {
        let body = api_types::auth::ChangePasswordRequest {
            current_password: current_password.to_owned(),
            new_password: new_password.to_owned(),
        };
        send(self.bearer(Request::post(paths::PASSWORD)).json(&body))
            .await
            .map(drop)
    }

    /// `GET /api/auth/sessions`: my live sessions.
    pub async fn sessions(&self) -> Result<Vec<api_types::auth::Session>, ApiError> {
        json(empty(self.bearer(Request::get(paths::SESSIONS)))).await
    }

    /// `DELETE /api/auth/sessions/{id}`: signs that device out.
    pub async fn end_session(&self, id: &str) -> Result<(), ApiError> {
        send(empty(self.bearer(Request::delete(&format!(
            "/api/auth/sessions/{id}"
        )))))
        .await
        .map(drop)
    }

    /// `POST /api/auth/logout-all`: signs out every device, this one too.
    pub async fn logout_all(&self) -> Result<(), ApiError> {
        send(empty(self.bearer(Request::post(paths::LOGOUT_ALL))))
            .await
            .map(drop)
    }

    /// `GET /api/users` (admins).
    pub async fn users(&self) -> Result<api_types::auth::UserPage, ApiError> {
        json(empty(self.bearer(
            Request::get("/api/users").query([("per_page", "100")]),
        )))
        .await
    }

    /// `POST /api/users` (admins).
    pub async fn create_user(&self, user: &api_types::auth::NewUser) -> Result<User, ApiError> {
        json(self.bearer(Request::post("/api/users")).json(user)).await
    }

    /// `PATCH /api/users/{id}` (admins).
    pub async fn patch_user(
        &self,
        id: i64,
        patch: &api_types::auth::UserPatch,
    ) -> Result<User, ApiError> {
        json(
            self.bearer(Request::patch(&format!("/api/users/{id}")))
                .json(patch),
        )
        .await
    }

    /// `DELETE /api/users/{id}` (admins).
    pub async fn delete_user(&self, id: i64) -> Result<(), ApiError> {
        send(empty(
            self.bearer(Request::delete(&format!("/api/users/{id}"))),
        ))
        .await
        .map(drop)
    }
}
