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

/// The names of what a step records for later steps, destroy and the screens
/// (`NodeRecord::data`), spelled in the journal file as `Key::as_str` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// Comma-separated IPs: the endpoint's interfaces, the registered targets, the Elastic IPs.
    Ips,
    /// The DNS name an alias points at: the NLB's, the endpoint's regional entry.
    Dns,
    /// The hosted zone of the endpoint's DNS name.
    DnsZone,
    /// The NLB's canonical hosted zone.
    Zone,
    /// The NLB's addresses, comma-separated.
    Addresses,
    /// `subnet=allocation,…`: the Elastic IP of each NLB subnet.
    Allocations,
    /// The alias target a record step wrote.
    AliasTarget,
    /// Whether every target was healthy when the targets step ended.
    Healthy,
    /// The Route 53 change a record step waits on.
    Change,
    /// The stage the deployment step deployed to.
    Stage,
    /// The custom domain's regional DNS name.
    RegionalDns,
    /// The security group this plan added to a reused endpoint.
    AddedSecurityGroup,
    /// The idempotency token a create sends (EC2 `ClientToken`, Route 53 `CallerReference`).
    ClientToken,
    /// The token's generation (a new one once the step's resource was removed).
    TokenGeneration,
    /// The private zone's caller reference, in journals before tokens had generations.
    CallerReference,
}

impl Key {
    pub fn as_str(self) -> &'static str {
        match self {
            Key::Ips => "ips",
            Key::Dns => "dns",
            Key::DnsZone => "dns-zone",
            Key::Zone => "zone",
            Key::Addresses => "addresses",
            Key::Allocations => "allocations",
            Key::AliasTarget => "alias-target",
            Key::Healthy => "healthy",
            Key::Change => "change",
            Key::Stage => "stage",
            Key::RegionalDns => "regional-dns",
            Key::AddedSecurityGroup => "added-security-group",
            Key::ClientToken => "client-token",
            Key::TokenGeneration => "token-generation",
            Key::CallerReference => "caller-reference",
        }
    }
}

/// What the plan changed of what it did not make, kept in `Journal::prior` for destroy (or
/// `allow --undo`) to put back: one name per kind, spelled in the file as `Prior::key` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prior<'a> {
    /// The VPC's DNS attributes: `support,hostnames`.
    VpcDns,
    /// An adopted API's settings (`cloud::write::ApiRestore` as JSON).
    Api,
    /// The deployment each stage of an adopted API served (JSON pairs).
    ApiStages,
    /// The target group an adopted NLB's listener (this ARN) forwarded to.
    ListenerTarget(&'a str),
    /// The records of the name a record step replaced in this zone (a JSON list).
    Records(&'a str),
    /// The one record replaced in this zone, in journals before `Records`.
    Record(&'a str),
    /// The caller allow-list before `allow` changed it (for `--undo`).
    AllowPrevious,
}

impl Prior<'_> {
    pub fn key(self) -> String {
        match self {
            Prior::VpcDns => "vpc-dns".into(),
            Prior::Api => "api".into(),
            Prior::ApiStages => "api-stages".into(),
            Prior::ListenerTarget(arn) => format!("listener-target:{arn}"),
            Prior::Records(zone) => format!("records:{zone}"),
            Prior::Record(zone) => format!("record:{zone}"),
            Prior::AllowPrevious => "allow:previous".into(),
        }
    }
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

impl NodeRecord {
    /// The value recorded under `key`.
    pub fn get(&self, key: Key) -> Option<&str> {
        self.data.get(key.as_str()).map(String::as_str)
    }

    /// Record `value` under `key`.
    pub fn set(&mut self, key: Key, value: impl Into<String>) {
        self.data.insert(key.as_str().to_string(), value.into());
    }

    /// Forget what is recorded under `key`.
    pub fn unset(&mut self, key: Key) {
        self.data.remove(key.as_str());
    }
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

    /// `node`'s id, or "" when it has none yet (a step reads what the steps it depends on made).
    pub fn id_or_empty(&self, node: NodeId) -> String {
        self.id_of(node).unwrap_or_default().to_string()
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
                self.data(NodeId::Nlb, Key::Dns),
                self.data(NodeId::EndpointReady, Key::Dns),
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
            .map(|_| self.list(NodeId::Eips, Key::Ips))
            .filter(|ips| !ips.is_empty())
    }

    /// A comma-separated data value as a list (empty when absent).
    pub fn list(&self, node: NodeId, key: Key) -> Vec<String> {
        self.data(node, key)
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// What `node` recorded under `key`.
    pub fn data(&self, node: NodeId, key: Key) -> Option<&str> {
        self.nodes
            .get(&node)
            .and_then(|r| r.data.get(key.as_str()))
            .map(String::as_str)
    }

    /// What `node` recorded under `key`, or "" when it recorded nothing there.
    pub fn data_or_empty(&self, node: NodeId, key: Key) -> String {
        self.data(node, key).unwrap_or_default().to_string()
    }

    /// The prior value kept under `p`.
    pub fn prior_of(&self, p: Prior) -> Option<&str> {
        self.prior.get(&p.key()).map(String::as_str)
    }
}
