//! Files that hold secrets (the access token signing key, the internal token): created
//! readable by their owner only, and refused outside dev mode when others may read them.

use std::io;
use std::path::Path;

/// Whether group or others may read `path` (Unix permissions; never elsewhere).
///
/// # Errors
/// When the file's metadata cannot be read.
pub fn is_exposed(path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(false)
    }
}

/// Creates `path` (and its directory) with mode 0600 holding `contents`, unless it exists.
/// Returns `false` when another process (sharing the data directory) created it first.
///
/// # Errors
/// When the directory or the file cannot be written.
pub fn create_private(path: &Path, contents: &[u8]) -> io::Result<bool> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            io::Write::write_all(&mut file, contents)?;
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}
