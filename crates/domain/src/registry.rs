//! A city's unit registry (`duban.registry/1`): the bodies it knows with their codes and
//! spellings, and the groups that stand for several of them (`各县区政府`).

use serde::{Deserialize, Serialize};

use crate::UnitKind;

/// The registry format's identifier.
pub const REGISTRY_FORMAT: &str = "duban.registry/1";

/// A city's registry of responsible units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    /// Always [`REGISTRY_FORMAT`].
    pub format: String,
    /// The city's name.
    pub city: String,
    /// The city's GB/T 2260 code.
    #[serde(default)]
    pub adcode: Option<String>,
    /// Where the data comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// Units.
    #[serde(default)]
    pub units: Vec<RegistryUnit>,
    /// Groups of units.
    #[serde(default)]
    pub groups: Vec<RegistryGroup>,
}

/// A unit of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryUnit {
    /// Canonical name.
    pub name: String,
    /// Kind of body.
    pub kind: UnitKind,
    /// GB/T 2260 code, for county-level governments.
    #[serde(default)]
    pub adcode: Option<String>,
    /// Other spellings.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A group name and the units it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryGroup {
    /// The group's name (`各县区政府`).
    pub name: String,
    /// Other spellings.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Names of the member units (each a unit of the registry).
    pub members: Vec<String>,
}

impl Registry {
    /// Problems that make the registry unusable, in Chinese: wrong format, a group member that
    /// is no unit, a name given twice.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.format != REGISTRY_FORMAT {
            out.push(format!(
                "格式应为“{REGISTRY_FORMAT}”，实为“{}”",
                self.format
            ));
        }
        let mut names = std::collections::HashSet::new();
        for name in self
            .units
            .iter()
            .flat_map(|u| std::iter::once(&u.name).chain(&u.aliases))
            .chain(
                self.groups
                    .iter()
                    .flat_map(|g| std::iter::once(&g.name).chain(&g.aliases)),
            )
        {
            if !names.insert(name.as_str()) {
                out.push(format!("名称“{name}”出现了不止一次"));
            }
        }
        for g in &self.groups {
            for m in &g.members {
                if !self.units.iter().any(|u| &u.name == m) {
                    out.push(format!("单位组“{}”的成员“{m}”不在单位列表中", g.name));
                }
            }
        }
        out
    }
}
