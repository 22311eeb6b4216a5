//! Which AWS calls may be sent twice. The SDK resends a call whose answer never came (connection
//! reset, timeout) for every operation; when AWS acted before the answer was lost, a call that is
//! not idempotent then acts twice (two REST APIs, two Elastic IPs). Every write the tool makes is
//! classified here, from AWS's documentation, and gets the retry behaviour it can afford:
//!
//! - [`Idempotency::Read`], [`Idempotency::Token`] (a client token / caller reference makes a
//!   resend return the first result) and [`Idempotency::SameSettings`] (AWS documents that the
//!   same request again returns the existing resource, or sets the same state): the SDK's standard
//!   retries, resends included.
//! - [`Idempotency::Once`]: the SDK never resends it (`AwsCloud` sends it with retries disabled,
//!   the simulated account answers with one attempt). An error that proves the call was not
//!   processed (throttling) is retried by the engine; an ambiguous one (no answer, 5xx) is resolved
//!   from the account first: the engine looks up what the call would have made (by the plan tag set
//!   in the same call, by name, by the parent's children), adopts it if it is there, and only then
//!   sends again. An "already exists" answer to such a resend is success when what exists is ours.
//!
//! One table, keyed by the operation's API name (`CreateRestApi`), read by `AwsCloud`, the
//! simulated account and the engine.

/// How a write may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Reads: any number of times.
    Read,
    /// A client token or caller reference: the same token returns the first result.
    Token,
    /// AWS documents the same request again as returning the existing resource, or the call sets
    /// a state (PUT, UPSERT, a delete whose resend answers "not found", which counts as done).
    SameSettings,
    /// Acts again when sent again: never resent blindly.
    Once,
}

/// The classification of one operation, with the document that says so.
pub struct Entry {
    pub operation: &'static str,
    pub idempotency: Idempotency,
    pub source: &'static str,
}

use Idempotency::*;

/// Every write the tool sends (reads are `Read` by default).
pub const TABLE: &[Entry] = &[
    // ---- EC2 ----
    Entry {
        operation: "CreateVpcEndpoint",
        idempotency: Token,
        source: "EC2 API Reference, CreateVpcEndpoint ClientToken; \"Ensuring idempotency in Amazon EC2 API requests\"",
    },
    Entry {
        operation: "AllocateAddress",
        idempotency: Once,
        source: "EC2 API Reference, AllocateAddress: no ClientToken parameter (not in the idempotent-actions list of \"Ensuring idempotency\")",
    },
    Entry {
        operation: "CreateSecurityGroup",
        idempotency: Once,
        source: "EC2 API Reference, CreateSecurityGroup: no ClientToken; a resend answers InvalidGroup.Duplicate",
    },
    Entry {
        operation: "AuthorizeSecurityGroupIngress",
        idempotency: SameSettings,
        source: "EC2 API Reference: a rule already present answers InvalidPermission.Duplicate, which the tool counts as done",
    },
    Entry {
        operation: "RevokeSecurityGroupIngress",
        idempotency: SameSettings,
        source: "EC2 API Reference: a rule already absent answers InvalidPermission.NotFound, counted as done",
    },
    Entry {
        operation: "DeleteSecurityGroup",
        idempotency: SameSettings,
        source: "a resend answers InvalidGroup.NotFound, counted as done",
    },
    Entry {
        operation: "ReleaseAddress",
        idempotency: SameSettings,
        source: "a resend answers InvalidAllocationID.NotFound, counted as done",
    },
    Entry {
        operation: "ModifyVpcAttribute",
        idempotency: SameSettings,
        source: "sets an attribute to a value",
    },
    Entry {
        operation: "ModifyVpcEndpoint",
        idempotency: SameSettings,
        source: "adds / removes security groups: the same set again is the same state",
    },
    Entry {
        operation: "DeleteVpcEndpoints",
        idempotency: SameSettings,
        source: "a deleted endpoint answers as deleted / not found",
    },
    Entry {
        operation: "CreateTags",
        idempotency: SameSettings,
        source: "sets tags to values",
    },
    // ---- Elastic Load Balancing v2 ----
    Entry {
        operation: "CreateTargetGroup",
        idempotency: SameSettings,
        source: "ELBv2 API Reference, CreateTargetGroup: \"This operation is idempotent, which means that it completes at most one time. If you attempt to create multiple target groups with the same settings, each call succeeds.\"",
    },
    Entry {
        operation: "CreateLoadBalancer",
        idempotency: SameSettings,
        source: "ELBv2 API Reference, CreateLoadBalancer: \"This operation is idempotent … with the same settings, each call succeeds.\"",
    },
    Entry {
        operation: "CreateListener",
        idempotency: SameSettings,
        source: "ELBv2 API Reference, CreateListener: \"This operation is idempotent … with the same settings, each call succeeds.\"",
    },
    Entry {
        operation: "RegisterTargets",
        idempotency: SameSettings,
        source: "registering a registered target is a no-op",
    },
    Entry {
        operation: "DeregisterTargets",
        idempotency: SameSettings,
        source: "deregistering an absent target is a no-op",
    },
    Entry {
        operation: "ModifyLoadBalancerAttributes",
        idempotency: SameSettings,
        source: "sets attributes to values",
    },
    Entry {
        operation: "ModifyListener",
        idempotency: SameSettings,
        source: "sets the default action",
    },
    Entry {
        operation: "DeleteLoadBalancer",
        idempotency: SameSettings,
        source: "ELBv2 API Reference, DeleteLoadBalancer: \"If the load balancer does not exist or has already been deleted, the call succeeds.\"",
    },
    Entry {
        operation: "DeleteTargetGroup",
        idempotency: SameSettings,
        source: "a deleted target group answers TargetGroupNotFound, counted as done",
    },
    Entry {
        operation: "DeleteListener",
        idempotency: SameSettings,
        source: "a deleted listener answers ListenerNotFound, counted as done",
    },
    // ---- API Gateway (v1) ----
    Entry {
        operation: "CreateRestApi",
        idempotency: Once,
        source: "API Gateway API Reference, CreateRestApi: no idempotency token; names need not be unique",
    },
    Entry {
        operation: "CreateResource",
        idempotency: Once,
        source: "a resend answers ConflictException (the path exists)",
    },
    Entry {
        operation: "CreateDeployment",
        idempotency: Once,
        source: "every call makes a new deployment",
    },
    Entry {
        operation: "CreateDomainName",
        idempotency: Once,
        source: "a resend answers ConflictException (the name exists)",
    },
    Entry {
        operation: "CreateBasePathMapping",
        idempotency: Once,
        source: "a resend answers ConflictException (the base path exists)",
    },
    Entry {
        operation: "PutMethod",
        idempotency: SameSettings,
        source: "PUT of a method (ConflictException on an existing one is counted as done)",
    },
    Entry {
        operation: "PutIntegration",
        idempotency: SameSettings,
        source: "PUT replaces the integration",
    },
    Entry {
        operation: "PutMethodResponse",
        idempotency: SameSettings,
        source: "PUT (ConflictException on an existing one is counted as done)",
    },
    Entry {
        operation: "PutIntegrationResponse",
        idempotency: SameSettings,
        source: "PUT replaces the integration response",
    },
    Entry {
        operation: "UpdateRestApi",
        idempotency: SameSettings,
        source: "patch operations computed from the API's current state: a resend finds nothing left to change",
    },
    Entry {
        operation: "UpdateStage",
        idempotency: SameSettings,
        source: "replace /deploymentId",
    },
    Entry {
        operation: "DeleteRestApi",
        idempotency: SameSettings,
        source: "NotFoundException on a resend, counted as done",
    },
    Entry {
        operation: "DeleteStage",
        idempotency: SameSettings,
        source: "NotFoundException on a resend, counted as done",
    },
    Entry {
        operation: "DeleteDomainName",
        idempotency: SameSettings,
        source: "NotFoundException on a resend, counted as done",
    },
    Entry {
        operation: "DeleteBasePathMapping",
        idempotency: SameSettings,
        source: "NotFoundException on a resend, counted as done",
    },
    // ---- Route 53 ----
    Entry {
        operation: "CreateHostedZone",
        idempotency: Token,
        source: "Route 53 API Reference, CreateHostedZone CallerReference: \"a unique string that identifies the request and that allows failed CreateHostedZone requests to be retried without the risk of executing the operation twice\"",
    },
    Entry {
        operation: "AssociateVPCWithHostedZone",
        idempotency: Once,
        source: "a resend answers ConflictingDomainExists / the VPC is already associated",
    },
    Entry {
        operation: "DeleteHostedZone",
        idempotency: SameSettings,
        source: "NoSuchHostedZone on a resend, counted as done",
    },
    Entry {
        operation: UPSERT_BATCH,
        idempotency: SameSettings,
        source: "Route 53 API Reference, ChangeResourceRecordSets UPSERT: creates or updates to the same values",
    },
    Entry {
        operation: "ChangeResourceRecordSets",
        idempotency: Once,
        source: "Route 53 API Reference: a batch with CREATE or DELETE fails on a resend (InvalidChangeBatch \"already exists\" / \"not found\"); the engine checks the records instead",
    },
];

/// A ChangeResourceRecordSets batch of UPSERTs only (sending it again sets the same records).
pub const UPSERT_BATCH: &str = "ChangeResourceRecordSets (UPSERT only)";

/// The table's name of a record change batch.
pub fn record_batch(upsert_only: bool) -> &'static str {
    if upsert_only {
        UPSERT_BATCH
    } else {
        "ChangeResourceRecordSets"
    }
}

/// How `operation` may be retried (an operation not in the table is a read).
pub fn of(operation: &str) -> Idempotency {
    TABLE
        .iter()
        .find(|e| e.operation == operation)
        .map_or(Read, |e| e.idempotency)
}

/// Whether the client may resend `operation` on its own after a transport error or a 5xx.
pub fn may_resend(operation: &str) -> bool {
    of(operation) != Once
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_named_once_and_cites_its_source() {
        let mut seen = std::collections::BTreeSet::new();
        for e in TABLE {
            assert!(seen.insert(e.operation), "{} twice", e.operation);
            assert!(!e.source.is_empty(), "{} has no source", e.operation);
        }
        assert!(!may_resend("CreateRestApi"));
        assert!(!may_resend("AllocateAddress"));
        assert!(may_resend("CreateVpcEndpoint"));
        assert!(may_resend("DescribeVpcs"));
    }
}
