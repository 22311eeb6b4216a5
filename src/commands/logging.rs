//! The log: a file (never the terminal), 0600, filtered by `FIXEDIP_LOG`.

use std::path::PathBuf;

/// Logs to a file (never the terminal). Returns the path and the guard that flushes on drop.
pub fn init_logging(
    explicit: Option<PathBuf>,
) -> (
    Option<PathBuf>,
    Option<tracing_appender::non_blocking::WorkerGuard>,
) {
    use tracing_subscriber::EnvFilter;
    let path = explicit.or_else(crate::paths::default_log_file);
    let Some(path) = path else {
        return (None, None);
    };
    if let Some(dir) = path.parent() {
        if std::fs::create_dir_all(dir).is_err() {
            return (None, None);
        }
    }
    // 0600 like the journal: the log holds account ids, ARNs and request details.
    let mut open = std::fs::OpenOptions::new();
    open.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let file = match open.open(&path) {
        Ok(f) => f,
        Err(_) => return (None, None),
    };
    // A log made by an older version (0644) is tightened too.
    #[cfg(unix)]
    let _ = file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env("FIXEDIP_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,aws_config=warn,aws_smithy_runtime=warn"));
    let ok = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .is_ok();
    (ok.then_some(path), Some(guard))
}
