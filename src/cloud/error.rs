//! Errors of cloud operations, classified so every layer can say what to do next.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The credential chain found nothing (or the SSO session expired).
    NoCredentials,
    /// The credentials were rejected (expired token, wrong keys).
    BadCredentials,
    /// IAM denied the action.
    AccessDenied,
    /// Throttled after the SDK's own retries.
    Throttled,
    /// An account quota (service limit) was reached: waiting does not help, raising it does.
    QuotaExceeded,
    /// The resource does not exist.
    NotFound,
    /// The request never got an answer (connection refused, DNS, TLS, timeout).
    Network,
    /// A 5xx from the service after retries.
    ServerError,
    /// The service rejected the request's content.
    InvalidRequest,
    /// The operation is not implemented by this endpoint (moto / LocalStack gaps).
    NotImplemented,
    Other,
}

/// One failed cloud operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CloudError {
    pub kind: ErrorKind,
    /// The IAM action name of the call, e.g. `ec2:DescribeVpcs`.
    pub action: String,
    /// The service's error code, when it gave one.
    pub code: Option<String>,
    pub message: String,
    /// How long the service asked to wait before trying again (API Gateway's `Retry-After`
    /// header on a 429 `TooManyRequestsException`).
    pub retry_after: Option<std::time::Duration>,
}

impl CloudError {
    pub fn new(kind: ErrorKind, action: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            action: action.into(),
            code: None,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Refused for a passing reason (throttled, a 5xx, the network): the same request may
    /// succeed if sent again later.
    pub fn is_passing(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Throttled | ErrorKind::Network | ErrorKind::ServerError
        )
    }

    pub fn with_retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Classify a service error code (shared by the AWS and simulated accounts).
    pub fn kind_for_code(code: &str, status: Option<u16>) -> ErrorKind {
        // Before the status: API Gateway's LimitExceededException is a 429 like throttling, but
        // it is a quota ("The request exceeds a service quota", API Gateway API Reference,
        // Common Errors): waiting does not clear it.
        if quota_name(code).is_some() {
            return ErrorKind::QuotaExceeded;
        }
        match code {
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "AuthorizationError"
            | "Forbidden" => ErrorKind::AccessDenied,
            "ExpiredToken"
            | "ExpiredTokenException"
            | "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "AuthFailure"
            | "SignatureDoesNotMatch"
            | "InvalidSignatureException"
            | "IncompleteSignature" => ErrorKind::BadCredentials,
            "Throttling"
            | "ThrottlingException"
            | "RequestLimitExceeded"
            | "TooManyRequestsException"
            | "PriorRequestNotComplete"
            | "SlowDown" => ErrorKind::Throttled,
            c if c.ends_with("NotFound")
                || c.ends_with("NotFoundException")
                || c.starts_with("NoSuch") =>
            {
                ErrorKind::NotFound
            }
            "InternalError" | "InternalFailure" | "ServiceUnavailable" | "InternalServerError" => {
                ErrorKind::ServerError
            }
            "NotImplemented" | "UnsupportedOperation" => ErrorKind::NotImplemented,
            "ValidationError"
            | "ValidationException"
            | "InvalidParameterValue"
            | "InvalidParameterCombination"
            | "BadRequestException"
            | "InvalidInput" => ErrorKind::InvalidRequest,
            _ => match status {
                Some(403) => ErrorKind::AccessDenied,
                Some(404) => ErrorKind::NotFound,
                Some(429) => ErrorKind::Throttled,
                Some(501) => ErrorKind::NotImplemented,
                Some(s) if s >= 500 => ErrorKind::ServerError,
                _ => ErrorKind::Other,
            },
        }
    }

    /// The IAM action AWS says it denied ("… is not authorized to perform: apigateway:
    /// UpdateRestApiPolicy on resource …"), which can differ from the call's own action (API
    /// Gateway checks `UpdateRestApiPolicy` besides `apigateway:POST` when a policy is set);
    /// the call's action otherwise.
    pub fn denied_action(&self) -> &str {
        self.message
            .split_once("not authorized to perform: ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .map(|a| a.trim_end_matches([',', '.', ';']))
            .filter(|a| a.contains(':'))
            .unwrap_or(&self.action)
    }

    /// What the user should do about it, in one sentence.
    pub fn hint(&self) -> String {
        match self.kind {
            ErrorKind::NoCredentials => "No AWS credentials found: run `aws sso login --profile NAME` and pass \
                 --profile NAME, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use an \
                 instance role — or try `fixedip-tui --demo`."
                .to_string(),
            ErrorKind::BadCredentials => "The credentials were rejected (expired session?): run \
                 `aws sso login` again or refresh the keys, then retry (r in the app)."
                .to_string(),
            ErrorKind::AccessDenied => format!(
                "Allow `{}` in your IAM policy (assets/iam-policy.json lists every action the tool uses).",
                self.denied_action()
            ),
            ErrorKind::Throttled => {
                "AWS is throttling this account; wait a moment and retry (r in the app).".to_string()
            }
            ErrorKind::QuotaExceeded => format!(
                "An account quota is reached{}: raise it in Service Quotas (console → Service \
                 Quotas, or `aws service-quotas request-service-quota-increase`) or free one, \
                 then run again (it resumes).",
                self.code
                    .as_deref()
                    .and_then(quota_name)
                    .map(|q| format!(" ({q})"))
                    .unwrap_or_default()
            ),
            ErrorKind::NotFound => {
                "It no longer exists: read the account again (r in the app).".to_string()
            }
            ErrorKind::Network => "No answer from the endpoint: check the network, proxy \
                 (HTTPS_PROXY) and --endpoint-url, then retry (r in the app)."
                .to_string(),
            ErrorKind::ServerError => {
                "The service failed; retry in a moment (r in the app).".to_string()
            }
            // The engine's own refusals: the account and the plan disagree, the message says how.
            ErrorKind::InvalidRequest if self.code.as_deref() == Some("Conflict") => {
                "The account does not match the plan: do what the message says, then run it again \
                 (it resumes)."
                    .to_string()
            }
            ErrorKind::InvalidRequest => format!(
                "The service rejected `{}`; this is likely a bug — please report it with the log file.",
                self.action
            ),
            ErrorKind::NotImplemented => format!(
                "This endpoint does not implement `{}` (an emulator gap?).",
                self.action
            ),
            ErrorKind::Other => format!("`{}` failed; see the log file for details.", self.action),
        }
    }
}

/// The Service Quotas name of the quota an error code reports (None: not a quota error).
/// Codes from each service's API reference (Common Errors / the operation's Errors).
pub fn quota_name(code: &str) -> Option<&'static str> {
    Some(match code {
        // API Gateway: 429 LimitExceededException (e.g. regional APIs, custom domains per account).
        "LimitExceededException" => "Amazon API Gateway: the quota named in the message",
        "AddressLimitExceeded" => "Amazon EC2: EC2-VPC Elastic IPs",
        "VpcEndpointLimitExceeded" => "Amazon VPC: Interface VPC endpoints per VPC",
        "SecurityGroupLimitExceeded" => "Amazon VPC: VPC security groups per Region",
        "RulesPerSecurityGroupLimitExceeded" => {
            "Amazon VPC: Inbound or outbound rules per security group"
        }
        "TooManyLoadBalancers" => "Elastic Load Balancing: Network Load Balancers per Region",
        "TooManyTargetGroups" => "Elastic Load Balancing: Target Groups per Region",
        "TooManyListeners" => "Elastic Load Balancing: Listeners per Network Load Balancer",
        "TooManyTargets" => "Elastic Load Balancing: Targets per Target Group per Region",
        "TooManyHostedZones" => "Amazon Route 53: Hosted zones",
        "LimitsExceeded" => "Amazon Route 53: the quota named in the message",
        _ => return None,
    })
}

impl fmt::Display for CloudError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.action)?;
        if let Some(code) = &self.code {
            write!(f, "{code}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::{CloudError, ErrorKind};

    #[test]
    fn access_denied_names_the_action_aws_denied() {
        let e = CloudError::new(
            ErrorKind::AccessDenied,
            "apigateway:POST",
            "User: arn:aws:sts::1:assumed-role/x/y is not authorized to perform: \
             apigateway:UpdateRestApiPolicy on resource: arn:aws:apigateway:us-east-1::/restapis",
        );
        assert!(
            e.hint().contains("`apigateway:UpdateRestApiPolicy`"),
            "{}",
            e.hint()
        );
        let plain = CloudError::new(ErrorKind::AccessDenied, "ec2:DescribeVpcs", "denied");
        assert!(plain.hint().contains("`ec2:DescribeVpcs`"));
    }

    #[test]
    fn quotas_are_not_throttling() {
        for code in [
            "LimitExceededException",
            "AddressLimitExceeded",
            "TooManyLoadBalancers",
        ] {
            assert_eq!(
                CloudError::kind_for_code(code, Some(429)),
                ErrorKind::QuotaExceeded
            );
        }
        let e = CloudError::new(ErrorKind::QuotaExceeded, "ec2:AllocateAddress", "max")
            .with_code("AddressLimitExceeded");
        assert!(e.hint().contains("Service Quotas") && e.hint().contains("Elastic IPs"));
    }
}
