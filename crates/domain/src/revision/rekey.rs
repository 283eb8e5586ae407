//! Stable keys for a revised document: old keys for what continues, never-used keys for what
//! is new.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::diff::Side;
use super::*;

/// Keys given out by [`rekey`]: never one already used.
pub(super) struct Keys {
    taken: BTreeSet<String>,
    version: i64,
}

impl Keys {
    fn fresh(&mut self, positional: &str) -> String {
        let key = if self.taken.contains(positional) || positional.is_empty() {
            let stem = format!("{positional}-v{}", self.version);
            let mut key = stem.clone();
            let mut k = 2;
            while self.taken.contains(&key) {
                key = format!("{stem}-{k}");
                k += 1;
            }
            key
        } else {
            positional.to_owned()
        };
        self.taken.insert(key.clone());
        key
    }
}

/// New keys for the ids of one kind: continued items take their old key (each old key once),
/// added ones a fresh key.
pub(super) fn keys_for<'a>(
    ids: impl Iterator<Item = &'a str> + Clone,
    side: &Side<'_>,
    keys: &mut Keys,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut given = HashSet::new();
    for id in ids.clone() {
        if let Some(old) = side.old(id)
            && given.insert(old)
        {
            out.insert(id.to_owned(), old.to_owned());
        }
    }
    for id in ids {
        if !out.contains_key(id) {
            let key = keys.fresh(id);
            out.insert(id.to_owned(), key);
        }
    }
    out
}

/// `new` with stable keys: each matched item takes its old key; an added item keeps its
/// positional id if that was never used in the plan (`used`: every key of every kind ever
/// stored for it, and every key the matching names), else a fresh one derived from it and
/// `version` (`2.1.3-v2`, `t18-v2`, then `t18-v2-2`, … until unused).
/// Parents, target nodes and project nodes follow; order is kept, so parents still come before
/// their children.
pub fn rekey(new: &Plan, matching: &Matching, used: &BTreeSet<String>, version: i64) -> Plan {
    let mut keys = Keys {
        taken: used.clone(),
        version,
    };
    keys.taken
        .extend(matching.pairs.iter().filter_map(|p| p.old.clone()));
    let node_keys = keys_for(
        new.nodes.iter().map(|n| n.id.0.as_str()),
        &Side::new(matching, ItemKind::Node),
        &mut keys,
    );
    let target_keys = keys_for(
        new.targets.iter().map(|t| t.id.0.as_str()),
        &Side::new(matching, ItemKind::Target),
        &mut keys,
    );
    let project_keys = keys_for(
        new.projects.iter().map(|p| p.id.0.as_str()),
        &Side::new(matching, ItemKind::Project),
        &mut keys,
    );
    let node_key = |id: &NodeId| {
        NodeId(
            node_keys
                .get(&id.0)
                .cloned()
                .unwrap_or_else(|| id.0.clone()),
        )
    };
    let mut plan = new.clone();
    for n in &mut plan.nodes {
        n.id = node_key(&n.id);
        n.parent = n.parent.as_ref().map(node_key);
    }
    for t in &mut plan.targets {
        t.id = TargetId(
            target_keys
                .get(&t.id.0)
                .cloned()
                .unwrap_or_else(|| t.id.0.clone()),
        );
        t.node = node_key(&t.node);
    }
    for p in &mut plan.projects {
        p.id = ProjectId(
            project_keys
                .get(&p.id.0)
                .cloned()
                .unwrap_or_else(|| p.id.0.clone()),
        );
        p.node = node_key(&p.node);
    }
    plan
}
