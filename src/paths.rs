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
