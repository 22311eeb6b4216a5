//! The write-ahead journal of one plan: what the engine intended, created and finished, and the
//! prior values of what it changed. One JSON file per plan id in the state directory, written
//! atomically (temp + fsync + rename) with mode 0600 before and after every AWS call.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::NodeId;

pub const JOURNAL_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    /// About to call AWS (a crash here means: look the resource up before creating again).
    Started,
    /// The resource exists (its id is recorded); waiting for it to become ready.
    Created,
    Done,
    /// Deleted by destroy / rollback.
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRecord {
    pub status: NodeStatus,
    /// The resource's id / ARN / name, once known.
    #[serde(default)]
    pub id: Option<String>,
    /// Whether this plan created the resource (false: adopted / reused / pre-existing).
    #[serde(default)]
    pub owned: bool,
    /// Node-specific values (ENI IPs, DNS names, change ids…).
    #[serde(default)]
    pub data: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    pub plan_id: String,
    #[serde(default)]
    pub nodes: BTreeMap<NodeId, NodeRecord>,
    /// Prior values of pre-existing resources the plan changes, restored by destroy.
    #[serde(default)]
    pub prior: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot write the journal {0}: {1}")]
    Write(String, String),
    #[error("cannot read the journal {0}: {1}")]
    Read(String, String),
    #[error("the journal {0} is damaged ({1}); move it away to start over — the account is the truth: resources are found again by their tags")]
    Corrupt(String, String),
    #[error("the journal {0} was written by a newer fixedip-tui (version {1}): upgrade")]
    TooNew(String, u32),
}

impl Journal {
    pub fn new(plan_id: &str) -> Self {
        Self {
            version: JOURNAL_VERSION,
            plan_id: plan_id.to_string(),
            ..Self::default()
        }
    }

    pub fn path(state_dir: &Path, plan_id: &str) -> PathBuf {
        state_dir
            .join("plans")
            .join(format!("{plan_id}.journal.json"))
    }

    /// The journal of `plan_id`, or a fresh one when there is none.
    pub fn load_or_new(state_dir: &Path, plan_id: &str) -> Result<Self, JournalError> {
        let path = Self::path(state_dir, plan_id);
        let shown = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let j: Journal = serde_json::from_str(&text)
                    .map_err(|e| JournalError::Corrupt(shown.clone(), e.to_string()))?;
                if j.version > JOURNAL_VERSION {
                    return Err(JournalError::TooNew(shown, j.version));
                }
                if j.plan_id != plan_id {
                    return Err(JournalError::Corrupt(
                        shown,
                        format!("it belongs to plan {}", j.plan_id),
                    ));
                }
                Ok(j)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::new(plan_id)),
            Err(e) => Err(JournalError::Read(shown, e.to_string())),
        }
    }

    pub fn save(&self, state_dir: &Path) -> Result<(), JournalError> {
        let path = Self::path(state_dir, &self.plan_id);
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| JournalError::Write(path.display().to_string(), e.to_string()))?;
        crate::paths::write_atomic(&path, text.as_bytes(), 0o600)
            .map_err(|e| JournalError::Write(path.display().to_string(), e.to_string()))
    }

    pub fn record(&self, node: NodeId) -> Option<&NodeRecord> {
        self.nodes.get(&node)
    }

    pub fn id_of(&self, node: NodeId) -> Option<&str> {
        self.nodes.get(&node).and_then(|r| r.id.as_deref())
    }

    /// What this plan created, for re-validating it on resume.
    pub fn owned(&self) -> crate::plan::validate::Owned {
        let owned_id = |n: NodeId| {
            self.nodes
                .get(&n)
                .filter(|r| r.owned && r.status != NodeStatus::Removed)
                .and_then(|r| r.id.clone())
        };
        crate::plan::validate::Owned {
            endpoint_ids: owned_id(NodeId::Endpoint).into_iter().collect(),
            private_zone_ids: owned_id(NodeId::PrivateZone).into_iter().collect(),
            alias_targets: [
                self.data(NodeId::Nlb, "dns"),
                self.data(NodeId::EndpointReady, "dns"),
            ]
            .into_iter()
            .flatten()
            .map(str::to_string)
            .collect(),
            eip_ids: self
                .nodes
                .get(&NodeId::Eips)
                .filter(|r| r.status != NodeStatus::Removed)
                .and_then(|r| r.id.clone())
                .map(|ids| ids.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
        }
    }

    /// The Elastic IPs this plan allocated and still holds (a destroy keeps them unless asked to
    /// release them): `None` when it allocated none, or released them.
    pub fn held_eips(&self) -> Option<Vec<String>> {
        self.nodes
            .get(&NodeId::Eips)
            .filter(|r| r.owned && r.status != NodeStatus::Removed)
            .map(|_| self.list(NodeId::Eips, "ips"))
            .filter(|ips| !ips.is_empty())
    }

    /// A comma-separated data value as a list (empty when absent).
    pub fn list(&self, node: NodeId, key: &str) -> Vec<String> {
        self.data(node, key)
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    pub fn data(&self, node: NodeId, key: &str) -> Option<&str> {
        self.nodes
            .get(&node)
            .and_then(|r| r.data.get(key))
            .map(String::as_str)
    }
}
