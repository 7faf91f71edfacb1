//! What the services' stores share: the one error a store method returns ([`StoreError`]) and
//! the database a service is pointed at ([`DatabaseUrl`]). Each service defines its own store
//! traits, one implementation per database engine; handlers see these types, never a SQL type
//! or a connection.

use std::path::{Path, PathBuf};

/// A store method's result.
pub type StoreResult<T> = Result<T, StoreError>;

/// Why a store could not do what it was asked (refusals a store decides, such as a taken
/// username, are part of each method's `Ok` value or of the service's own error).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database is busy, unreachable or out of connections: answered 503
    /// `database_unavailable` with `Retry-After`; safe to retry.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else (a broken query, a row that does not decode): answered 500 `internal`.
    #[error("database error: {0}")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// A value read from the database that the service cannot understand.
    pub fn corrupt(what: impl Into<String>) -> Self {
        StoreError::Failed(what.into().into())
    }
}

impl From<sqlx::Error> for StoreError {
    /// Pool time-outs, closed pools, lost connections and SQLite's "database is locked" are
    /// [`StoreError::Unavailable`]; the rest [`StoreError::Failed`].
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.into())
            }
            sqlx::Error::Database(ref db) if db.message().contains("database is locked") => {
                StoreError::Unavailable(e.into())
            }
            other => StoreError::Failed(other.into()),
        }
    }
}

/// Whether `e` is a unique-constraint violation (a taken username, a used idempotency key).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// The database a service keeps its data in, from its `SHOP_*_DATABASE_URL` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file (created when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL server: `postgres://user:password@host:port/dbname` (also
    /// `postgresql://`), as libpq takes it.
    Postgres(String),
}

impl DatabaseUrl {
    /// The database of `setting`: unset or blank = the SQLite file `default_file`;
    /// `sqlite://PATH` (or `sqlite:PATH`) = SQLite at `PATH` (relative to the working
    /// directory); `postgres://…` or `postgresql://…` = PostgreSQL.
    ///
    /// # Errors
    /// A one-line reason for any other scheme, an empty path, or a PostgreSQL URL without a
    /// host or database name. The URL's password never appears in the message.
    pub fn parse(setting: Option<&str>, default_file: &Path) -> Result<Self, String> {
        let Some(raw) = setting.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(DatabaseUrl::Sqlite(default_file.to_owned()));
        };
        if let Some(path) = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err("a sqlite:// database URL needs a file path".to_owned());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let rest = raw.split_once("://").map_or("", |(_, r)| r);
            let after_credentials = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            let (host, database) = after_credentials
                .split_once('/')
                .unwrap_or((after_credentials, ""));
            let database = database.split('?').next().unwrap_or_default();
            if host.is_empty() || database.is_empty() {
                return Err(format!(
                    "a PostgreSQL URL needs a host and a database name: {}",
                    redacted(raw)
                ));
            }
            return Ok(DatabaseUrl::Postgres(raw.to_owned()));
        }
        Err(format!(
            "unsupported database URL {} (expected sqlite://PATH or postgres://user:password@host:port/dbname)",
            redacted(raw)
        ))
    }

    /// The URL for logs and errors: a password in it is replaced by `***`.
    pub fn display(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => redacted(url),
        }
    }
}

/// `url` with the password of its user info (`user:password@`) replaced by `***`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            if user_info.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_picks_the_engine() {
        let default = Path::new("/data/auth.db");
        assert_eq!(
            DatabaseUrl::parse(None, default),
            Ok(DatabaseUrl::Sqlite(default.to_owned()))
        );
        assert_eq!(
            DatabaseUrl::parse(Some("  "), default),
            Ok(DatabaseUrl::Sqlite(default.to_owned()))
        );
        assert_eq!(
            DatabaseUrl::parse(Some("sqlite:///tmp/x.db"), default),
            Ok(DatabaseUrl::Sqlite("/tmp/x.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse(Some("sqlite://shop.db"), default),
            Ok(DatabaseUrl::Sqlite("shop.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse(Some("postgres://shop:pw@127.0.0.1:5432/auth"), default),
            Ok(DatabaseUrl::Postgres(_))
        ));
    }

    #[test]
    fn a_bad_database_url_is_a_clear_error_without_the_password() {
        let default = Path::new("auth.db");
        for bad in [
            "mysql://root:hunter2@db/auth",
            "postgres://shop:hunter2@db",
            "postgres://shop:hunter2@/auth",
            "sqlite://",
            "auth.db",
        ] {
            let e = DatabaseUrl::parse(Some(bad), default).expect_err(bad);
            assert!(!e.contains("hunter2"), "{e}");
            assert!(!e.contains('\n'), "{e}");
        }
        assert_eq!(
            redacted("postgres://shop:hunter2@db:5432/auth"),
            "postgres://shop:***@db:5432/auth"
        );
    }
}
