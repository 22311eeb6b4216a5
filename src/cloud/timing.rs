//! How long AWS takes, at AWS's pace (SPEC "A model of AWS for the simulated account"): the waits
//! the simulated account plays out (`sim_write.rs`) and the progress estimate reads through
//! `engine::timing` — one model, so the demo's estimate and the demo's account agree.
//!
//! Each wait is a range in milliseconds at realtime (scale 1.0); the simulated account draws
//! uniformly from it, the estimate takes its middle (`typical`).

/// Interface endpoint `pending` → `available`.
pub const ENDPOINT_READY: (u64, u64) = (60_000, 150_000);
/// Interface endpoint `deleting` → gone (its network interfaces with it).
pub const ENDPOINT_DELETE: (u64, u64) = (30_000, 90_000);
/// Network Load Balancer `provisioning` → `active`.
pub const NLB_READY: (u64, u64) = (120_000, 240_000);
/// A deleted NLB's network interfaces released (its security groups and Elastic IPs in use
/// until then).
pub const NLB_ENI_RELEASE: (u64, u64) = (30_000, 90_000);
/// A registered target `initial` → `healthy`, once its group is behind a listener of an active NLB.
pub const TARGET_CHECKS: (u64, u64) = (60_000, 300_000);
/// A Route 53 change `PENDING` → `INSYNC`.
pub const CHANGE_INSYNC: (u64, u64) = (10_000, 60_000);
/// A Route 53 zone busy after a change (`PriorRequestNotComplete`).
pub const ZONE_BUSY_MS: u64 = 300;
/// One call's round trip.
pub const ROUND_TRIP: (u64, u64) = (20, 80);

/// API Gateway's fixed account-wide limits: (operation, one call per this many ms).
pub const CREATE_REST_API: (&str, u64) = ("CreateRestApi", 3_000);
pub const CREATE_DEPLOYMENT: (&str, u64) = ("CreateDeployment", 5_000);
pub const CREATE_DOMAIN_NAME: (&str, u64) = ("CreateDomainName", 30_000);
pub const DELETE_DOMAIN_NAME: (&str, u64) = ("DeleteDomainName", 30_000);
pub const DELETE_REST_API: (&str, u64) = ("DeleteRestApi", 30_000);

/// The middle of a wait's range, in ms.
pub const fn typical(range: (u64, u64)) -> u64 {
    (range.0 + range.1) / 2
}
