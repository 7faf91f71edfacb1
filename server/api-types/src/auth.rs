//! Accounts and tokens: `/api/auth/*`.

use serde::{Deserialize, Serialize};

/// The auth service's paths that other parts single out (the gateway's refresh cookie and
/// limits, the app's calls), written once here.
pub mod paths {
    /// Everything under this prefix belongs to the auth service.
    pub const PREFIX: &str = "/api/auth";
    /// Accounts under admin management, also the auth service's.
    pub const USERS: &str = "/api/users";
    /// `POST`: a new account.
    pub const REGISTER: &str = "/api/auth/register";
    /// `POST`: sign in with a username and a password.
    pub const LOGIN: &str = "/api/auth/login";
    /// `POST`: a new token pair for a refresh token (which stops working).
    pub const REFRESH: &str = "/api/auth/refresh";
    /// `POST`: end the session of a refresh token.
    pub const LOGOUT: &str = "/api/auth/logout";
    /// `POST`: end every session of the signed-in user.
    pub const LOGOUT_ALL: &str = "/api/auth/logout-all";
    /// `POST`: change the password (ends the other sessions).
    pub const PASSWORD: &str = "/api/auth/password";
    /// `GET`: the signed-in user's sessions; `DELETE {SESSIONS}/{id}` ends one.
    pub const SESSIONS: &str = "/api/auth/sessions";
}

/// The session hint cookie: `1` for as long as the browser holds the refresh token cookie, set
/// and cleared with it by the gateway. It holds no secret and is readable by scripts (not
/// `HttpOnly`), so the app can tell whether a page load may resume a session; without it the
/// app makes no refresh request, which could only fail with 401. Nothing on the server trusts it.
pub const SESSION_HINT_COOKIE: &str = "shop_session_hint";

/// `POST /api/auth/register` body. Validated with [`crate::validate`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[\\t\\n\\f\\r ]*[A-Za-z0-9][A-Za-z0-9_.-]{2,31}[\\t\\n\\f\\r ]*$",
            example = "alice"
        )
    )]
    pub username: String,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 8, max_length = 128, example = "correct horse battery")
    )]
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 254,
            pattern = "^[\\t\\n\\f\\r ]*([\\x21-\\x3f\\x41-\\x7e]+@[\\x21-\\x2d\\x2f-\\x3f\\x41-\\x7e][\\x21-\\x3f\\x41-\\x7e]*\\.[\\x21-\\x3f\\x41-\\x7e]*[\\x21-\\x2d\\x2f-\\x3f\\x41-\\x7e])?[\\t\\n\\f\\r ]*$"
        )
    )]
    pub email: Option<String>,
}

/// `POST /api/auth/login` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// `POST /api/auth/refresh` and `POST /api/auth/logout` body.
///
/// The browser app sends no body: the gateway takes the refresh token from its `HttpOnly`
/// cookie instead (see the gateway's `refresh_cookie` module).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// `POST /api/auth/password` body: change the signed-in user's password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

/// Answer to a successful login or refresh (RFC 6749 §5.1 shape).
///
/// `refresh_token` is absent when the gateway moved it into a cookie for the browser app.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// A signed JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `"Bearer"`.
    pub token_type: String,
    /// Lifetime of the access token, in seconds.
    pub expires_in: u64,
    /// Opaque, single-use refresh token; each refresh returns a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Lifetime of the refresh token, in seconds.
    pub refresh_expires_in: u64,
}

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Admin,
}

impl Role {
    /// The wire name (`customer`, `admin`), also used in the database and in token claims.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Admin => "admin",
        }
    }

    /// Parses a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "customer" => Some(Role::Customer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A user as the API shows it (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub username: String,
    #[serde(default)]
    pub email: Option<String>,
    pub role: Role,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// A disabled account cannot sign in (shown to admins; always false for oneself).
    #[serde(default)]
    pub disabled: bool,
}

/// A page of users: `GET /api/users` (admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserPage {
    pub items: Vec<User>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// `POST /api/users` body (admins): an account with these credentials and role.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[\\t\\n\\f\\r ]*[A-Za-z0-9][A-Za-z0-9_.-]{2,31}[\\t\\n\\f\\r ]*$",
            example = "alice"
        )
    )]
    pub username: String,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 8, max_length = 128, example = "correct horse battery")
    )]
    pub password: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 254,
            pattern = "^[\\t\\n\\f\\r ]*([\\x21-\\x3f\\x41-\\x7e]+@[\\x21-\\x2d\\x2f-\\x3f\\x41-\\x7e][\\x21-\\x3f\\x41-\\x7e]*\\.[\\x21-\\x3f\\x41-\\x7e]*[\\x21-\\x2d\\x2f-\\x3f\\x41-\\x7e])?[\\t\\n\\f\\r ]*$"
        )
    )]
    pub email: Option<String>,
    /// Default `customer`.
    #[serde(default)]
    pub role: Option<Role>,
}

/// `PATCH /api/users/{id}` body (admins): only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// One of my sessions (a sign-in on some device): `GET /api/auth/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC: the sign-in or the last refresh.
    pub last_used_at: String,
    /// The browser or client that signed in, as it said (`User-Agent`).
    pub user_agent: Option<String>,
    /// Whether this is the session of the access token making the request.
    pub current: bool,
}

/// One public key of a JSON Web Key Set (RFC 7517 §4), as `GET /api/auth/jwks` publishes it:
/// an Ed25519 key (RFC 8037 §2: `kty` `OKP`, `crv` `Ed25519`, `x` the 32-byte public key in
/// base64url without padding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwk {
    /// Key type: `OKP`.
    pub kty: String,
    /// Curve: `Ed25519`.
    #[serde(default)]
    pub crv: Option<String>,
    /// The public key, base64url without padding.
    #[serde(default)]
    pub x: Option<String>,
    /// Key id: the RFC 7638 thumbprint of the key, also in the `kid` header of the tokens it signs.
    pub kid: String,
    /// Algorithm: `EdDSA`.
    #[serde(default)]
    pub alg: Option<String>,
    /// Intended use: `sig`.
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
}

/// A JSON Web Key Set (RFC 7517 §5): `{keys: [Jwk]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}
