//! Where the tool keeps its files (XDG base directories).

use std::path::PathBuf;

use etcetera::BaseStrategy;

/// `$XDG_STATE_HOME/fixedip-tui` (`~/.local/state/fixedip-tui`).
pub fn state_dir() -> Option<PathBuf> {
    let base = etcetera::choose_base_strategy().ok()?;
    Some(
        base.state_dir()
            .unwrap_or_else(|| base.cache_dir())
            .join("fixedip-tui"),
    )
}

pub fn default_log_file() -> Option<PathBuf> {
    state_dir().map(|d| d.join("fixedip-tui.log"))
}

/// Write `bytes` to `path` atomically: a temp file in the same directory, fsync, rename, fsync
/// the directory. `mode` applies on Unix.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
