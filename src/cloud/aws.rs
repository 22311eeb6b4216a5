//! The real account through the AWS SDK for Rust — the only module that imports `aws_sdk_*`.

use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::{CertificateSummary, Cloud, CloudError, CloudResult, ErrorKind, Target, Token};
use crate::domain::{
    CallerIdentity, CertStatus, Certificate, DnsEntry, HostedZone, Page, RecordSet, RestApi, Route,
    RouteTable, Subnet, Tag, Vpc, VpcEndpoint, ZoneVpc,
};

/// Largest pages the APIs allow (fewer round trips on big accounts).
const EC2_PAGE: i32 = 1000;
const EC2_ROUTE_TABLE_PAGE: i32 = 100;
const ACM_PAGE: i32 = 1000;
const ROUTE53_PAGE: i32 = 100;
const APIGW_PAGE: i32 = 500;

/// How to reach the account: the AWS CLI's global flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Attempts per call (standard retry mode). Tests against unimplemented calls use 1.
    pub max_attempts: Option<u32>,
}

pub struct AwsCloud {
    target: Target,
    pub(super) ec2: aws_sdk_ec2::Client,
    acm: aws_sdk_acm::Client,
    pub(super) route53: aws_sdk_route53::Client,
    pub(super) apigw: aws_sdk_apigateway::Client,
    sts: aws_sdk_sts::Client,
    pub(super) elbv2: aws_sdk_elasticloadbalancingv2::Client,
    config: SdkConfig,
}

fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host_port = rest.split('/').next().unwrap_or_default();
    let host = if let Some(stripped) = host_port.strip_prefix('[') {
        stripped.split(']').next().unwrap_or_default()
    } else {
        host_port
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or(host_port)
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
        || host.eq_ignore_ascii_case("localhost.localstack.cloud")
}

impl AwsCloud {
    /// Resolve credentials and region from the default chain (env, profiles, SSO, process, IMDS) and
    /// build the clients. Fails with `NoCredentials` when nothing is configured, except for a loopback
    /// endpoint (moto, LocalStack), where dummy credentials and us-east-1 are used and noted.
    pub async fn connect(opts: AwsOptions) -> CloudResult<Self> {
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut retry = RetryConfig::standard();
        if let Some(n) = opts.max_attempts {
            retry = retry.with_max_attempts(n.max(1));
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .retry_config(retry)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(30))
                    .build(),
            );
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(u) = &opts.endpoint_url {
            loader = loader.endpoint_url(u);
        }
        let mut config = loader.load().await;
        let mut notes = Vec::new();
        let loopback = opts.endpoint_url.as_deref().is_some_and(is_loopback);

        config = credentials_or_loopback(config, &opts, loopback, &mut notes).await?;
        config = region_or_loopback(config, loopback, &mut notes)?;
        let region = config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".to_string());
        let target = Target {
            region,
            endpoint: opts.endpoint_url.clone(),
            profile: opts
                .profile
                .clone()
                .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty())),
            notes,
        };
        Ok(Self {
            target,
            ec2: aws_sdk_ec2::Client::new(&config),
            acm: aws_sdk_acm::Client::new(&config),
            // Route 53 allows 5 requests/s per account: adaptive mode paces the client once throttled.
            route53: aws_sdk_route53::Client::from_conf(
                aws_sdk_route53::config::Builder::from(&config)
                    .retry_config(
                        RetryConfig::adaptive()
                            .with_max_attempts(opts.max_attempts.unwrap_or(6).max(1)),
                    )
                    .build(),
            ),
            apigw: aws_sdk_apigateway::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&config),
            config,
        })
    }

    /// The resolved SDK configuration (for later clients).
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }
}

/// The SDK configuration with credentials that answer: those of the chain, or dummy ones for a
/// loopback endpoint (moto, LocalStack) when none are configured and no profile was asked for.
async fn credentials_or_loopback(
    mut config: SdkConfig,
    opts: &AwsOptions,
    loopback: bool,
    notes: &mut Vec<String>,
) -> CloudResult<SdkConfig> {
    let creds_ok = match config.credentials_provider() {
        Some(p) => {
            match tokio::time::timeout(Duration::from_secs(10), p.provide_credentials()).await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) => Err(credentials_error(e)),
                Err(_) => Err(CloudError::new(
                    ErrorKind::NoCredentials,
                    "sts:GetCallerIdentity",
                    "the credential chain did not answer within 10 s",
                )),
            }
        }
        None => Err(CloudError::new(
            ErrorKind::NoCredentials,
            "sts:GetCallerIdentity",
            "no credential provider is configured",
        )),
    };
    if let Err(e) = creds_ok {
        if loopback && opts.profile.is_none() {
            notes.push(
                "No credentials configured: using dummy ones for the loopback endpoint."
                    .to_string(),
            );
            config = config
                .into_builder()
                .credentials_provider(
                    aws_credential_types::provider::SharedCredentialsProvider::new(
                        Credentials::new("testing", "testing", None, None, "fixedip-tui-loopback"),
                    ),
                )
                .build();
        } else {
            return Err(e);
        }
    }
    Ok(config)
}

/// The SDK configuration with a region: the configured one, or us-east-1 for a loopback endpoint.
fn region_or_loopback(
    mut config: SdkConfig,
    loopback: bool,
    notes: &mut Vec<String>,
) -> CloudResult<SdkConfig> {
    if config.region().is_none() {
        if loopback {
            notes.push(
                "No region configured: using us-east-1 for the loopback endpoint.".to_string(),
            );
            config = config
                .into_builder()
                .region(Region::new("us-east-1"))
                .build();
        } else {
            return Err(CloudError::new(
                ErrorKind::InvalidRequest,
                "configuration",
                "no region configured: pass --region NAME, set AWS_REGION, or set `region` in the profile",
            )
            .with_code("NoRegion"));
        }
    }
    Ok(config)
}

fn credentials_error(e: CredentialsError) -> CloudError {
    let kind = match &e {
        CredentialsError::CredentialsNotLoaded(_) => ErrorKind::NoCredentials,
        _ => ErrorKind::BadCredentials,
    };
    CloudError::new(
        kind,
        "sts:GetCallerIdentity",
        format!("{}", DisplayErrorContext(&e)),
    )
}

/// Turn an SDK error into a classified `CloudError`.
pub(super) fn sdk_err<E>(action: &str, err: SdkError<E, HttpResponse>) -> CloudError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let text = format!("{}", DisplayErrorContext(&err));
    match &err {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or_default().to_string();
            let status = se.raw().status().as_u16();
            let msg = se
                .err()
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| text.clone());
            let mut e =
                CloudError::new(CloudError::kind_for_code(&code, Some(status)), action, msg);
            if !code.is_empty() {
                e = e.with_code(code);
            }
            // API Gateway's 429 says how long to wait in `Retry-After` (seconds), not in the body.
            if let Some(wait) = retry_after(se.raw().headers().get("retry-after")) {
                e = e.with_retry_after(wait);
            }
            e
        }
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
            CloudError::new(ErrorKind::Network, action, text)
        }
        SdkError::ResponseError(re) => {
            let status = re.raw().status().as_u16();
            let kind = CloudError::kind_for_code("", Some(status));
            CloudError::new(
                if kind == ErrorKind::Other {
                    ErrorKind::Network
                } else {
                    kind
                },
                action,
                text,
            )
        }
        _ => {
            let lower = text.to_ascii_lowercase();
            let kind = if lower.contains("credentials") || lower.contains("identity") {
                ErrorKind::NoCredentials
            } else {
                ErrorKind::Other
            };
            CloudError::new(kind, action, text)
        }
    }
}

/// `Retry-After: <seconds>` (the HTTP-date form is not sent by AWS services; ignored).
pub(super) fn retry_after(value: Option<&str>) -> Option<std::time::Duration> {
    value?
        .trim()
        .parse::<u64>()
        .ok()
        .map(std::time::Duration::from_secs)
}

/// A page token, treating an empty one as the end (some endpoints send `""`).
pub(super) fn next_token(t: Option<&str>) -> Option<String> {
    t.filter(|t| !t.is_empty()).map(str::to_string)
}

/// API Gateway's next position. An empty page is the last too: moto's API Gateway ignores `limit`
/// and may answer a position after the last item.
pub(super) fn apigw_next<T>(position: Option<&str>, items: &[T]) -> Option<String> {
    next_token(position).filter(|_| !items.is_empty())
}

fn fmt_time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

pub(super) fn eip_of(a: &aws_sdk_ec2::types::Address) -> crate::domain::ElasticIp {
    crate::domain::ElasticIp {
        allocation_id: a.allocation_id().unwrap_or_default().to_string(),
        public_ip: a.public_ip().unwrap_or_default().to_string(),
        // moto answers `NetworkInterfaceId: ""` for an unassociated address; AWS omits it.
        association_id: a
            .association_id()
            .filter(|v| !v.is_empty())
            .map(str::to_string),
        network_interface_id: a
            .network_interface_id()
            .filter(|v| !v.is_empty())
            .map(str::to_string),
        tags: ec2_tags(a.tags()),
    }
}

pub(super) fn ec2_tags(tags: &[aws_sdk_ec2::types::Tag]) -> Vec<Tag> {
    tags.iter()
        .map(|t| Tag {
            key: t.key().unwrap_or_default().to_string(),
            value: t.value().unwrap_or_default().to_string(),
        })
        .collect()
}

pub(super) fn bare_zone_id(id: &str) -> String {
    id.trim_start_matches("/hostedzone/").to_string()
}

/// Zone and record names come back with trailing dot and octal escapes (`\052` for `*`).
pub(super) fn strip_dot(name: &str) -> String {
    crate::domain::unescape_dns(name.trim_end_matches('.'))
}

#[async_trait]
impl Cloud for AwsCloud {
    fn target(&self) -> Target {
        self.target.clone()
    }

    async fn caller_identity(&self) -> CloudResult<CallerIdentity> {
        const A: &str = "sts:GetCallerIdentity";
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(CallerIdentity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
            user_id: out.user_id().unwrap_or_default().to_string(),
        })
    }

    async fn list_vpcs(&self, token: Token) -> CloudResult<Page<Vpc>> {
        const A: &str = "ec2:DescribeVpcs";
        let out = self
            .ec2
            .describe_vpcs()
            .max_results(EC2_PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let items = out
            .vpcs()
            .iter()
            .map(|v| {
                let tags = ec2_tags(v.tags());
                Vpc {
                    id: v.vpc_id().unwrap_or_default().to_string(),
                    cidr: v.cidr_block().unwrap_or_default().to_string(),
                    secondary_cidrs: v
                        .cidr_block_association_set()
                        .iter()
                        .filter(|a| {
                            a.cidr_block_state()
                                .and_then(|s| s.state())
                                .is_none_or(|s| s.as_str().eq_ignore_ascii_case("associated"))
                        })
                        .filter_map(|a| a.cidr_block())
                        .filter(|c| Some(*c) != v.cidr_block())
                        .map(str::to_string)
                        .collect(),
                    name: crate::domain::name_tag(&tags),
                    is_default: v.is_default().unwrap_or(false),
                    dns_support: None,
                    dns_hostnames: None,
                    tags,
                }
            })
            .collect();
        Ok(Page {
            items,
            next: next_token(out.next_token()),
        })
    }

    async fn used_ips(
        &self,
        subnet_ids: &[String],
    ) -> CloudResult<Vec<crate::domain::InterfaceIp>> {
        const A: &str = "ec2:DescribeNetworkInterfaces";
        if subnet_ids.is_empty() {
            return Ok(vec![]);
        }
        let mut out = Vec::new();
        let mut pages = self
            .ec2
            .describe_network_interfaces()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("subnet-id")
                    .set_values(Some(subnet_ids.to_vec()))
                    .build(),
            )
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_err(A, e))?;
            for n in page.network_interfaces() {
                for p in n.private_ip_addresses() {
                    if let Some(ip) = p.private_ip_address() {
                        out.push(crate::domain::InterfaceIp {
                            eni_id: n.network_interface_id().unwrap_or_default().to_string(),
                            subnet_id: n.subnet_id().unwrap_or_default().to_string(),
                            az: n.availability_zone().unwrap_or_default().to_string(),
                            ip: ip.to_string(),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    async fn elb_inventory(&self) -> CloudResult<crate::domain::ElbInventory> {
        self.elb_inventory_inner().await
    }

    async fn elastic_ips(&self) -> CloudResult<crate::domain::ElasticIps> {
        const A: &str = "ec2:DescribeAddresses";
        let (addresses, attrs) = tokio::join!(
            self.ec2.describe_addresses().send(),
            self.ec2
                .describe_account_attributes()
                .attribute_names(aws_sdk_ec2::types::AccountAttributeName::from(
                    "vpc-max-elastic-ips"
                ))
                .send()
        );
        let addresses = addresses.map_err(|e| sdk_err(A, e))?;
        // The quota is a nicety: without it, validation says it could not check.
        let quota = match attrs {
            Ok(out) => out
                .account_attributes()
                .iter()
                .filter(|a| a.attribute_name() == Some("vpc-max-elastic-ips"))
                .flat_map(|a| a.attribute_values())
                .find_map(|v| v.attribute_value().and_then(|s| s.parse().ok())),
            Err(e) => {
                tracing::warn!(error = %sdk_err("ec2:DescribeAccountAttributes", e), "the Elastic IP quota is unknown");
                None
            }
        };
        Ok(crate::domain::ElasticIps {
            addresses: addresses.addresses().iter().map(eip_of).collect(),
            quota,
        })
    }

    async fn vpc_dns_attributes(&self, vpc_id: &str) -> CloudResult<(bool, bool)> {
        use aws_sdk_ec2::types::VpcAttributeName;
        const A: &str = "ec2:DescribeVpcAttribute";
        let support = self
            .ec2
            .describe_vpc_attribute()
            .vpc_id(vpc_id)
            .attribute(VpcAttributeName::EnableDnsSupport);
        let hostnames = self
            .ec2
            .describe_vpc_attribute()
            .vpc_id(vpc_id)
            .attribute(VpcAttributeName::EnableDnsHostnames);
        let (s, h) = tokio::join!(support.send(), hostnames.send());
        let s = s.map_err(|e| sdk_err(A, e))?;
        let h = h.map_err(|e| sdk_err(A, e))?;
        Ok((
            s.enable_dns_support()
                .and_then(|v| v.value())
                .unwrap_or(false),
            h.enable_dns_hostnames()
                .and_then(|v| v.value())
                .unwrap_or(false),
        ))
    }

    async fn list_subnets(&self, token: Token) -> CloudResult<Page<Subnet>> {
        const A: &str = "ec2:DescribeSubnets";
        let out = self
            .ec2
            .describe_subnets()
            .max_results(EC2_PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let items = out
            .subnets()
            .iter()
            .map(|s| {
                let tags = ec2_tags(s.tags());
                Subnet {
                    id: s.subnet_id().unwrap_or_default().to_string(),
                    vpc_id: s.vpc_id().unwrap_or_default().to_string(),
                    az: s.availability_zone().unwrap_or_default().to_string(),
                    az_id: s.availability_zone_id().map(str::to_string),
                    // IPv6-only subnets have no IPv4 CIDR: show their IPv6 one.
                    cidr: s
                        .cidr_block()
                        .or_else(|| {
                            s.ipv6_cidr_block_association_set()
                                .first()
                                .and_then(|a| a.ipv6_cidr_block())
                        })
                        .unwrap_or_default()
                        .to_string(),
                    ipv6_native: s.ipv6_native().unwrap_or(false),
                    free_ips: s.available_ip_address_count().unwrap_or(0).max(0) as u32,
                    name: crate::domain::name_tag(&tags),
                    map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
                    tags,
                    reach: None,
                }
            })
            .collect();
        Ok(Page {
            items,
            next: next_token(out.next_token()),
        })
    }

    async fn list_route_tables(&self, token: Token) -> CloudResult<Page<RouteTable>> {
        const A: &str = "ec2:DescribeRouteTables";
        let out = self
            .ec2
            .describe_route_tables()
            .max_results(EC2_ROUTE_TABLE_PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let items = out
            .route_tables()
            .iter()
            .map(|rt| {
                let assoc = rt.associations();
                RouteTable {
                    id: rt.route_table_id().unwrap_or_default().to_string(),
                    vpc_id: rt.vpc_id().unwrap_or_default().to_string(),
                    main: assoc.iter().any(|a| a.main().unwrap_or(false)),
                    subnet_ids: assoc
                        .iter()
                        .filter_map(|a| a.subnet_id().map(str::to_string))
                        .collect(),
                    routes: rt
                        .routes()
                        .iter()
                        .map(|r| Route {
                            destination: r
                                .destination_cidr_block()
                                .or(r.destination_ipv6_cidr_block())
                                .or(r.destination_prefix_list_id())
                                .unwrap_or_default()
                                .to_string(),
                            target: r
                                .gateway_id()
                                .or(r.nat_gateway_id())
                                .or(r.transit_gateway_id())
                                .or(r.vpc_peering_connection_id())
                                .or(r.egress_only_internet_gateway_id())
                                .or(r.network_interface_id())
                                .or(r.instance_id())
                                .or(r.local_gateway_id())
                                .or(r.carrier_gateway_id())
                                .or(r.core_network_arn())
                                .unwrap_or_default()
                                .to_string(),
                            state: r
                                .state()
                                .map(|s| s.as_str().to_ascii_lowercase())
                                .unwrap_or_else(|| "active".to_string()),
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(Page {
            items,
            next: next_token(out.next_token()),
        })
    }

    async fn list_vpc_endpoints(
        &self,
        service_name: &str,
        token: Token,
    ) -> CloudResult<Page<VpcEndpoint>> {
        use aws_sdk_ec2::types::Filter;
        const A: &str = "ec2:DescribeVpcEndpoints";
        let out = self
            .ec2
            .describe_vpc_endpoints()
            .filters(
                Filter::builder()
                    .name("service-name")
                    .values(service_name)
                    .build(),
            )
            .max_results(EC2_PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let items = out.vpc_endpoints().iter().map(vpc_endpoint).collect();
        Ok(Page {
            items,
            next: next_token(out.next_token()),
        })
    }

    async fn list_certificates(&self, token: Token) -> CloudResult<Page<CertificateSummary>> {
        use aws_sdk_acm::types::{Filters, KeyAlgorithm};
        const A: &str = "acm:ListCertificates";
        // Without a key-type filter ACM lists only RSA_2048 certificates: ask for every type.
        let all_types: Vec<KeyAlgorithm> = KeyAlgorithm::values()
            .iter()
            .map(|v| KeyAlgorithm::from(*v))
            .collect();
        let out = self
            .acm
            .list_certificates()
            .includes(Filters::builder().set_key_types(Some(all_types)).build())
            .max_items(ACM_PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let items = out
            .certificate_summary_list()
            .iter()
            .map(|s| {
                let sans = s.subject_alternative_name_summaries().to_vec();
                let needs_describe = sans.is_empty()
                    || s.has_additional_subject_alternative_names()
                        .unwrap_or(false)
                    || s.status().is_none();
                CertificateSummary {
                    certificate: Certificate {
                        arn: s.certificate_arn().unwrap_or_default().to_string(),
                        domain: s.domain_name().unwrap_or_default().to_string(),
                        sans,
                        status: s
                            .status()
                            .map(|st| CertStatus::parse(st.as_str()))
                            .unwrap_or(CertStatus::Unknown),
                        cert_type: s.r#type().map(|t| t.as_str().to_string()),
                        in_use: s.in_use().unwrap_or(false),
                        in_use_by: vec![],
                        not_after: fmt_time(s.not_after()),
                    },
                    needs_describe,
                }
            })
            .collect();
        Ok(Page {
            items,
            next: next_token(out.next_token()),
        })
    }

    async fn describe_certificate(&self, arn: &str) -> CloudResult<Certificate> {
        const A: &str = "acm:DescribeCertificate";
        let out = self
            .acm
            .describe_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let c = out.certificate().ok_or_else(|| {
            CloudError::new(ErrorKind::Other, A, "the answer held no certificate")
        })?;
        Ok(Certificate {
            arn: c.certificate_arn().unwrap_or(arn).to_string(),
            domain: c.domain_name().unwrap_or_default().to_string(),
            sans: c.subject_alternative_names().to_vec(),
            status: c
                .status()
                .map(|st| CertStatus::parse(st.as_str()))
                .unwrap_or(CertStatus::Unknown),
            cert_type: c.r#type().map(|t| t.as_str().to_string()),
            in_use: !c.in_use_by().is_empty(),
            in_use_by: c.in_use_by().to_vec(),
            not_after: fmt_time(c.not_after()),
        })
    }

    async fn list_hosted_zones(&self, token: Token) -> CloudResult<Page<HostedZone>> {
        const A: &str = "route53:ListHostedZones";
        let out = self
            .route53
            .list_hosted_zones()
            .max_items(ROUTE53_PAGE)
            .set_marker(token)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let items = out.hosted_zones().iter().map(zone).collect();
        Ok(Page {
            items,
            next: if out.is_truncated() {
                out.next_marker().map(str::to_string)
            } else {
                None
            },
        })
    }

    async fn get_hosted_zone(&self, zone_id: &str) -> CloudResult<HostedZone> {
        const A: &str = "route53:GetHostedZone";
        let out = self
            .route53
            .get_hosted_zone()
            .id(zone_id)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let mut z = out
            .hosted_zone()
            .map(zone)
            .ok_or_else(|| CloudError::new(ErrorKind::Other, A, "the answer held no zone"))?;
        z.vpcs = out
            .vpcs()
            .iter()
            .map(|v| ZoneVpc {
                vpc_id: v.vpc_id().unwrap_or_default().to_string(),
                region: v
                    .vpc_region()
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
            })
            .collect();
        Ok(z)
    }

    async fn list_records(&self, zone_id: &str, name: &str) -> CloudResult<Vec<RecordSet>> {
        const A: &str = "route53:ListResourceRecordSets";
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        let out = self
            .route53
            .list_resource_record_sets()
            .hosted_zone_id(zone_id)
            .start_record_name(&fqdn)
            .max_items(20)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let want = name.trim_end_matches('.').to_ascii_lowercase();
        Ok(out
            .resource_record_sets()
            .iter()
            .map(|r| RecordSet {
                zone_id: zone_id.to_string(),
                name: strip_dot(r.name()).to_ascii_lowercase(),
                record_type: r.r#type().as_str().to_string(),
                values: r
                    .resource_records()
                    .iter()
                    .map(|v| v.value().to_string())
                    .collect(),
                alias_target: r.alias_target().map(|a| strip_dot(a.dns_name())),
                alias_zone_id: r.alias_target().map(|a| a.hosted_zone_id().to_string()),
                evaluate_target_health: r
                    .alias_target()
                    .is_some_and(|a| a.evaluate_target_health()),
                ttl: r.ttl(),
            })
            .filter(|r| r.name == want)
            .collect())
    }

    async fn list_rest_apis(&self, token: Token) -> CloudResult<Page<RestApi>> {
        const A: &str = "apigateway:GET";
        let out = self
            .apigw
            .get_rest_apis()
            .limit(APIGW_PAGE)
            .set_position(token)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let items: Vec<RestApi> = out
            .items()
            .iter()
            .map(|a| {
                let ec = a.endpoint_configuration();
                RestApi {
                    id: a.id().unwrap_or_default().to_string(),
                    name: a.name().unwrap_or_default().to_string(),
                    endpoint_types: ec
                        .map(|c| c.types().iter().map(|t| t.as_str().to_string()).collect())
                        .unwrap_or_default(),
                    vpc_endpoint_ids: ec
                        .map(|c| c.vpc_endpoint_ids().to_vec())
                        .unwrap_or_default(),
                    description: a.description().map(str::to_string),
                    policy: a.policy().map(str::to_string),
                    created: fmt_time(a.created_date()),
                }
            })
            .collect();
        let next = apigw_next(out.position(), &items);
        Ok(Page { items, next })
    }
}

/// An EC2 endpoint as the domain sees it (shared by discovery and the write half).
pub(super) fn vpc_endpoint(e: &aws_sdk_ec2::types::VpcEndpoint) -> VpcEndpoint {
    VpcEndpoint {
        id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
        vpc_id: e.vpc_id().unwrap_or_default().to_string(),
        service_name: e.service_name().unwrap_or_default().to_string(),
        endpoint_type: e
            .vpc_endpoint_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        // Compared case-insensitively: moto's `available` parses as an unknown variant.
        state: e
            .state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        private_dns: e.private_dns_enabled().unwrap_or(false),
        subnet_ids: e.subnet_ids().to_vec(),
        security_group_ids: e
            .groups()
            .iter()
            .filter_map(|g| g.group_id().map(str::to_string))
            .collect(),
        network_interface_ids: e.network_interface_ids().to_vec(),
        dns_entries: e
            .dns_entries()
            .iter()
            .map(|d| DnsEntry {
                dns_name: d.dns_name().unwrap_or_default().to_string(),
                hosted_zone_id: d.hosted_zone_id().map(str::to_string),
            })
            .collect(),
        tags: ec2_tags(e.tags()),
    }
}

pub(super) fn zone(z: &aws_sdk_route53::types::HostedZone) -> HostedZone {
    HostedZone {
        id: bare_zone_id(z.id()),
        name: strip_dot(z.name()),
        private: z.config().map(|c| c.private_zone()).unwrap_or(false),
        record_count: z.resource_record_set_count().unwrap_or(0).max(0) as u64,
        comment: z.config().and_then(|c| c.comment()).map(str::to_string),
        vpcs: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("http://127.0.0.1:5000"));
        assert!(is_loopback("http://localhost:4566/"));
        assert!(is_loopback("http://[::1]:5000"));
        assert!(!is_loopback("https://ec2.us-east-1.amazonaws.com"));
        assert!(!is_loopback("http://10.0.0.5:5000"));
    }
}
