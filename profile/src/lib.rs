//! Bill of Behavior documents and what their patterns mean.
//!
//! A BoB is a Kubescape object of group `spdx.softwarecomposition.kubescape.io`,
//! version `v1beta1`, of one of three kinds: [`ApplicationProfile`],
//! [`ContainerProfile`] or [`NetworkNeighborhood`]. This crate reads and writes
//! them (YAML and JSON, including the Go-cased form that Kubescape's storage
//! writes to disk), keeps unknown fields through a round trip, and implements
//! the wildcard rules of paths, exec arguments, DNS names and addresses.
//!
//! It is the contract every stage of bob shares and is kept free of heavy
//! dependencies on purpose: capture, analyze and replay all link it.

pub mod capability;
pub mod document;
pub mod error;
pub mod io;
pub mod pattern;
mod storage_form;

pub use document::{
    API_VERSION, ApplicationProfile, ApplicationProfileSpec, Bob, Container, ContainerProfile,
    ContainerProfileSpec, Endpoint, Exec, NeighborContainer, NetworkNeighbor, NetworkNeighborhood,
    NetworkNeighborhoodSpec, NetworkPort, ObjectMeta, Open, RulePolicy,
};
pub use error::{ProfileError, ProfileErrorKind};
pub use io::{Format, read_file, read_str, read_value, to_json, to_yaml, write_atomic, write_file};
