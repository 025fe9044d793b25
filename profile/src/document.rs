//! The three BoB kinds as typed Rust values.
//!
//! Every struct keeps the fields it does not know in `extra`, so that a
//! document read and written again loses nothing. Lists are `Option` because
//! upstream writes `null`, `[]` and nothing at all, and the three must not be
//! confused with one another on the way back out: `None` is written as an
//! absent field, `Some(vec![])` as `[]`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `apiVersion` of every BoB kind.
pub const API_VERSION: &str = "spdx.softwarecomposition.kubescape.io/v1beta1";

/// Fields not modelled, in their original order.
pub type Extra = IndexMap<String, Value>;

/// A BoB of any of the three kinds.
#[expect(
    clippy::large_enum_variant,
    reason = "documents are read once and passed by reference; boxing buys nothing"
)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Bob {
    /// Per-workload behaviour of every container.
    ApplicationProfile(ApplicationProfile),
    /// One container's behaviour and network in one object (newest kind).
    ContainerProfile(ContainerProfile),
    /// Per-container ingress and egress neighbours.
    NetworkNeighborhood(NetworkNeighborhood),
}

impl Bob {
    /// The document's `kind` as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Bob::ApplicationProfile(_) => "ApplicationProfile",
            Bob::ContainerProfile(_) => "ContainerProfile",
            Bob::NetworkNeighborhood(_) => "NetworkNeighborhood",
        }
    }

    /// The document's metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Bob::ApplicationProfile(d) => &d.metadata,
            Bob::ContainerProfile(d) => &d.metadata,
            Bob::NetworkNeighborhood(d) => &d.metadata,
        }
    }

    /// The document as an ApplicationProfile: a ContainerProfile becomes one
    /// container (named as [`ContainerProfile::container_name`] says), a
    /// NetworkNeighborhood has no process behaviour and gives `None`.
    pub fn to_application_profile(&self) -> Option<ApplicationProfile> {
        match self {
            Bob::ApplicationProfile(ap) => Some(ap.clone()),
            Bob::ContainerProfile(cp) => Some(cp.to_application_profile()),
            Bob::NetworkNeighborhood(_) => None,
        }
    }
}

/// Kubernetes object metadata, with the fields bob reads named.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<IndexMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<IndexMap<String, String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ObjectMeta {
    /// A label's value, if set.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.as_ref()?.get(key).map(String::as_str)
    }

    /// An annotation's value, if set.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(String::as_str)
    }
}

/// An ApplicationProfile: `spec.architectures` and three container lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationProfile {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ApplicationProfileSpec,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `spec` of an ApplicationProfile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationProfileSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architectures: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containers: Option<Vec<Container>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<Container>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_containers: Option<Vec<Container>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ApplicationProfile {
    /// An empty profile of this kind with the given name.
    pub fn new(name: &str) -> Self {
        ApplicationProfile {
            api_version: API_VERSION.to_owned(),
            kind: "ApplicationProfile".to_owned(),
            metadata: ObjectMeta {
                name: Some(name.to_owned()),
                ..Default::default()
            },
            spec: ApplicationProfileSpec::default(),
            extra: Extra::new(),
        }
    }

    /// Every container of all three lists, regular containers first.
    pub fn all_containers(&self) -> impl Iterator<Item = &Container> {
        let s = &self.spec;
        [&s.containers, &s.init_containers, &s.ephemeral_containers]
            .into_iter()
            .flat_map(|l| l.iter().flatten())
    }

    /// The container of that name in any of the three lists.
    pub fn container(&self, name: &str) -> Option<&Container> {
        self.all_containers()
            .find(|c| c.name.as_deref() == Some(name))
    }
}

/// One container's recorded behaviour.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    /// Container name; entries of two profiles merge by it. Absent in a
    /// ContainerProfile, whose metadata names the container instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, rename = "imageID", skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syscalls: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execs: Option<Vec<Exec>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<Vec<Open>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<Endpoint>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_policies: Option<IndexMap<String, RulePolicy>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seccomp_profile: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identified_call_stacks: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Container {
    /// The syscalls, or an empty slice.
    pub fn syscalls(&self) -> &[String] {
        self.syscalls.as_deref().unwrap_or(&[])
    }
    /// The capabilities, or an empty slice.
    pub fn capabilities(&self) -> &[String] {
        self.capabilities.as_deref().unwrap_or(&[])
    }
    /// The execs, or an empty slice.
    pub fn execs(&self) -> &[Exec] {
        self.execs.as_deref().unwrap_or(&[])
    }
    /// The opens, or an empty slice.
    pub fn opens(&self) -> &[Open] {
        self.opens.as_deref().unwrap_or(&[])
    }
    /// The HTTP endpoints, or an empty slice.
    pub fn endpoints(&self) -> &[Endpoint] {
        self.endpoints.as_deref().unwrap_or(&[])
    }
    /// The policy for one rule, if the profile sets one.
    pub fn rule_policy(&self, rule: &str) -> Option<&RulePolicy> {
        self.rule_policies.as_ref()?.get(rule)
    }
}

/// An executed program: its path and, unless `argsRequired` is false, argv.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exec {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envs: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args_required: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An opened file and the union of the flags it was opened with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Open {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An HTTP endpoint, `endpoint` being `:port/path` (port `:0` means any).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A per-rule exception.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RulePolicy {
    /// Process names (comm) for which the rule never fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_allowed: Option<Vec<String>>,
    /// Whether the rule is silenced for the whole container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_allowed: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A NetworkNeighborhood: per container, who it talks to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkNeighborhood {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: NetworkNeighborhoodSpec,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `spec` of a NetworkNeighborhood.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkNeighborhoodSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containers: Option<Vec<NeighborContainer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<NeighborContainer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_containers: Option<Vec<NeighborContainer>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl NetworkNeighborhood {
    /// Every container of all three lists.
    pub fn all_containers(&self) -> impl Iterator<Item = &NeighborContainer> {
        let s = &self.spec;
        [&s.containers, &s.init_containers, &s.ephemeral_containers]
            .into_iter()
            .flat_map(|l| l.iter().flatten())
    }
}

/// One container's neighbours in a NetworkNeighborhood.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NeighborContainer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Vec<NetworkNeighbor>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<NetworkNeighbor>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One peer a container talks to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkNeighbor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_names: Option<Vec<String>>,
    /// Deprecated single name; still found in the wild.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<String>>,
    /// Deprecated single address, compared exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<NetworkPort>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_selector: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A port of a neighbour, `name` in the form `TCP-443`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkPort {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A ContainerProfile: one container flattened into `spec`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerProfile {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ContainerProfileSpec,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `spec` of a ContainerProfile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerProfileSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architectures: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_expressions: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Vec<NetworkNeighbor>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<NetworkNeighbor>>,
    #[serde(flatten)]
    pub container: Container,
}

impl ContainerProfile {
    /// The name of the container this profile is for: the spec's `name` if
    /// set, else the `kubescape.io/workload-container-name` label, else the
    /// object's name.
    pub fn container_name(&self) -> String {
        self.spec
            .container
            .name
            .clone()
            .or_else(|| {
                self.metadata
                    .label("kubescape.io/workload-container-name")
                    .map(Into::into)
            })
            .or_else(|| self.metadata.name.clone())
            .unwrap_or_default()
    }

    /// This profile as an ApplicationProfile with a single container.
    pub fn to_application_profile(&self) -> ApplicationProfile {
        let mut container = self.spec.container.clone();
        container.name = Some(self.container_name());
        ApplicationProfile {
            api_version: self.api_version.clone(),
            kind: "ApplicationProfile".to_owned(),
            metadata: self.metadata.clone(),
            spec: ApplicationProfileSpec {
                architectures: self.spec.architectures.clone(),
                containers: Some(vec![container]),
                ..Default::default()
            },
            extra: Extra::new(),
        }
    }
}
