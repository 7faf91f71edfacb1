//! The database engine of a test run, and for PostgreSQL a real throwaway server.
//!
//! `SHOP_TEST_DATABASE=postgres` runs every service a test starts on PostgreSQL (unset or
//! `sqlite`: SQLite files in the test's data directory). The first test that needs it starts
//! one server for the whole test process: Debian's `postgres` binaries (the newest under
//! `/usr/lib/postgresql/*/bin`, or `SHOP_TEST_POSTGRES_BIN`), `initdb` into a fresh directory
//! under the system's temp directory, listening on 127.0.0.1 on a free port with password
//! authentication (SCRAM). PostgreSQL refuses to run as root, so under root both run as the
//! `postgres` system user the package creates. The server gets SIGINT (a fast shutdown) when
//! the test process ends, and its directory is removed then (or, if that was missed, by the
//! next run).
//!
//! Each test's data directory gets databases of its own (one per service), owned by the
//! ordinary role `shop`, which is no superuser and cannot create databases: what a service
//! needs, and all it needs, is to own its database.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The role that owns the test databases.
const OWNER: &str = "shop";

/// Whether this run's services use PostgreSQL (`SHOP_TEST_DATABASE=postgres`).
///
/// # Panics
/// On any other value than `postgres`, `sqlite` or none.
pub fn enabled() -> bool {
    match std::env::var("SHOP_TEST_DATABASE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite" | "") | Err(_) => false,
        Ok(other) => panic!("SHOP_TEST_DATABASE={other}: expected postgres or sqlite"),
    }
}

/// The running server.
struct Server {
    port: u16,
    superuser_password: String,
    owner_password: String,
    /// The write end of the server's standard input: closed when the process ends.
    _stop_when_dropped: Option<std::process::ChildStdin>,
    _server: std::process::Child,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();

fn server() -> &'static Server {
    match SERVER.get_or_init(start) {
        Ok(server) => server,
        Err(e) => panic!("cannot start the test PostgreSQL server: {e}"),
    }
}

/// A `postgres://` URL of the database of `service` for the test data directory `dir`,
/// created (empty, owned by `shop`) when it does not exist yet: the same directory always
/// gets the same database, so a service restarted on it finds its data.
///
/// # Panics
/// When the server cannot be started or the database cannot be created.
pub async fn database_url(dir: &Path, service: &str) -> String {
    let server = tokio::task::spawn_blocking(server)
        .await
        .expect("the server starts");
    let mut hasher = DefaultHasher::new();
    dir.hash(&mut hasher);
    let name = format!("t_{:016x}_{service}", hasher.finish());
    let admin = format!(
        "postgres://postgres:{}@127.0.0.1:{}/postgres",
        server.superuser_password, server.port
    );
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .expect("a superuser connection to the test server");
    let created = sqlx::query(&format!("CREATE DATABASE {name} OWNER {OWNER}"))
        .execute(&mut conn)
        .await;
    match created {
        Ok(_) => {}
        // 42P04: duplicate_database (a restart on the same directory).
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
        Err(e) => panic!("cannot create the test database {name}: {e}"),
    }
    let _ = sqlx::Connection::close(conn).await;
    format!(
        "postgres://{OWNER}:{}@127.0.0.1:{}/{name}",
        server.owner_password, server.port
    )
}

/// The directory with `initdb` and `postgres`.
fn bin_dir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("SHOP_TEST_POSTGRES_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("/usr/lib/postgresql: {e} (install Debian's postgresql package)"))?
        .filter_map(Result::ok)
        .filter_map(|d| {
            let version = d.file_name().to_str()?.parse().ok()?;
            Some((version, d.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("postgres").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| "no PostgreSQL server under /usr/lib/postgresql".to_owned())
}

/// The uid and gid to run the server as: the `postgres` user under root, else none (as is).
fn server_user() -> Result<Option<(u32, u32)>, String> {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's effective user.
    let euid = std::fs::metadata("/proc/self")
        .map_err(|e| e.to_string())?
        .uid();
    if euid != 0 {
        return Ok(None);
    }
    let id = |flag: &str| -> Result<u32, String> {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .map_err(|e| format!("id: {e}"))?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| "no `postgres` user (install Debian's postgresql package)".to_owned())
    };
    Ok(Some((id("-u")?, id("-g")?)))
}

/// `program` of `bin`, run as `user` when given.
fn command(bin: &Path, program: &str, user: Option<(u32, u32)>) -> Command {
    let mut command = Command::new(bin.join(program));
    if let Some((uid, gid)) = user {
        command.uid(uid).gid(gid);
    }
    command
}

/// 24 random characters for a password.
fn random_password() -> String {
    let mut bytes = [0u8; 18];
    getrandom_fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn getrandom_fill(bytes: &mut [u8]) {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(bytes))
        .expect("/dev/urandom");
}

/// Removes the server directories of test processes that have ended.
fn remove_stale_dirs(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("shop-test-postgres-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn start() -> Result<Server, String> {
    let bin = bin_dir()?;
    let user = server_user()?;
    let temp = std::env::temp_dir();
    remove_stale_dirs(&temp);
    let dir = temp.join(format!("shop-test-postgres-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let superuser_password = random_password();
    let pwfile = dir.join("pwfile");
    std::fs::write(&pwfile, &superuser_password).map_err(|e| e.to_string())?;
    if let Some((uid, gid)) = user {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
        std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
    }
    let data = dir.join("data");
    let initdb = command(&bin, "initdb", user)
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth=scram-sha-256",
            "--no-sync",
            "-E",
            "UTF8",
        ])
        .args(["--locale=C", "--no-instructions"])
        .arg(format!("--pwfile={}", pwfile.display()))
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !initdb.status.success() {
        return Err(format!(
            "initdb: {}",
            String::from_utf8_lossy(&initdb.stderr).trim()
        ));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let log = std::fs::File::create(dir.join("server.log")).map_err(|e| e.to_string())?;
    // The server runs under a shell that stops it (SIGINT: a fast shutdown) once its standard
    // input ends, which is when this process ends (the pipe's other end is held in `SERVER`),
    // and then removes its directory.
    let mut child = command(Path::new("/bin"), "sh", user)
        .arg("-c")
        .arg(concat!(
            r#"exec 3<&0; "$0" "$@" </dev/null 3<&- & pid=$!; "#,
            r#"(read -r _ <&3; kill -INT "$pid") & wait "$pid"; rm -rf "$SHOP_TEST_POSTGRES_DIR""#
        ))
        .env("SHOP_TEST_POSTGRES_DIR", &dir)
        .arg(bin.join("postgres"))
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-k"])
        .arg(&dir)
        .args(["-c", "listen_addresses=127.0.0.1"])
        // A throwaway server: durability off, room for many test pools at once.
        .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
        .args(["-c", "full_page_writes=off", "-c", "max_connections=500"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("postgres: {e}"))?;
    // Ready when postmaster.pid says so (its eighth line), at most 30 s.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = std::fs::read_to_string(data.join("postmaster.pid")).unwrap_or_default();
        if status.lines().nth(7).map(str::trim) == Some("ready") {
            break;
        }
        if let Ok(Some(exit)) = child.try_wait() {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            return Err(format!("postgres exited ({exit}): {log}"));
        }
        if Instant::now() > deadline {
            return Err("postgres was not ready within 30 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let owner_password = random_password();
    let psql = Command::new(bin.join("psql"))
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
        .args(["-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c"])
        .arg(format!(
            "CREATE ROLE {OWNER} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{owner_password}'"
        ))
        .env("PGPASSWORD", &superuser_password)
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    if !psql.status.success() {
        return Err(format!(
            "psql: {}",
            String::from_utf8_lossy(&psql.stderr).trim()
        ));
    }
    Ok(Server {
        port,
        superuser_password,
        owner_password,
        _stop_when_dropped: child.stdin.take(),
        _server: child,
    })
}
