//! Pairing the items of a revised document with those in force: nodes, then targets and
//! projects with their nodes' pairs as hints.

use std::collections::{BTreeSet, HashMap};

use super::similarity::*;
use super::*;

/// What two nodes share, apart from where they stand.
#[derive(Debug, Clone, Copy)]
pub(super) struct NodeLike {
    new: usize,
    old: usize,
    kind: f64,
    title: f64,
    text: f64,
    units: f64,
    dist: f64,
}

impl NodeLike {
    /// Content alone, 0–1.
    fn content(&self) -> f64 {
        (W_KIND * self.kind + W_TITLE * self.title + W_TEXT * self.text + W_UNITS * self.units)
            / (W_KIND + W_TITLE + W_TEXT + W_UNITS)
    }

    /// Content and place: `parent` is 1 when the new node's parent continues the old node's
    /// parent.
    fn score(&self, parent: f64) -> f64 {
        let order = 1.0 - (self.dist * 4.0).min(1.0);
        round(
            W_KIND * self.kind
                + W_TITLE * self.title
                + W_TEXT * self.text
                + W_UNITS * self.units
                + W_PARENT * parent
                + W_ORDER * order,
        )
    }
}

pub(super) const W_KIND: f64 = 0.08;
pub(super) const W_TITLE: f64 = 0.22;
pub(super) const W_TEXT: f64 = 0.45;
pub(super) const W_UNITS: f64 = 0.10;
pub(super) const W_PARENT: f64 = 0.12;
pub(super) const W_ORDER: f64 = 0.03;

pub(super) fn unit_set(n: &Node) -> BTreeSet<&str> {
    n.responsible.iter().map(|a| a.unit.as_str()).collect()
}

pub(super) fn jaccard(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        1.0
    } else {
        a.intersection(b).count() as f64 / union as f64
    }
}

/// Node matching: returns for each new node its old node index, score and uncertainty.
pub(super) fn match_nodes(base: &Plan, new: &Plan) -> Vec<Option<(usize, f64, bool)>> {
    let (nn, no) = (new.nodes.len(), base.nodes.len());
    type Bags = Vec<Vec<u64>>;
    let bags = |p: &Plan| -> (Bags, Bags, Bags) {
        let mut all = Vec::new();
        let mut titles = Vec::new();
        let mut texts = Vec::new();
        for n in &p.nodes {
            all.push(bag(&[&n.title, &n.text]));
            titles.push(bag(&[&n.title]));
            texts.push(bag(&[&n.text]));
        }
        (all, titles, texts)
    };
    let (new_all, new_titles, new_texts) = bags(new);
    let (old_all, old_titles, old_texts) = bags(base);
    let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, n) in base.nodes.iter().enumerate() {
        by_title.entry(squeeze(&n.title)).or_default().push(j);
    }
    let new_titles_sq: Vec<String> = new.nodes.iter().map(|n| squeeze(&n.title)).collect();
    let pairs = candidates(&new_all, &old_all, |i| {
        new_titles_sq
            .get(i)
            .and_then(|t| by_title.get(t))
            .cloned()
            .unwrap_or_default()
    });
    let new_units: Vec<BTreeSet<&str>> = new.nodes.iter().map(unit_set).collect();
    let old_units: Vec<BTreeSet<&str>> = base.nodes.iter().map(unit_set).collect();
    let empty = Vec::new();
    let likes: Vec<NodeLike> = pairs
        .into_iter()
        .filter_map(|(i, j)| {
            let (a, b) = (new.nodes.get(i)?, base.nodes.get(j)?);
            let title = dice(
                new_titles.get(i).unwrap_or(&empty),
                old_titles.get(j).unwrap_or(&empty),
            );
            let text = dice(
                new_texts.get(i).unwrap_or(&empty),
                old_texts.get(j).unwrap_or(&empty),
            );
            let (a_text_empty, b_text_empty) = (a.text.trim().is_empty(), b.text.trim().is_empty());
            let a_title_empty = a.title.trim().is_empty() && b.title.trim().is_empty();
            // A missing part on both sides counts as the other part.
            let (title, text) = match (a_text_empty && b_text_empty, a_title_empty) {
                (true, _) => (title, title),
                (false, true) => (text, text),
                _ => (title, text),
            };
            Some(NodeLike {
                new: i,
                old: j,
                kind: if a.kind == b.kind { 1.0 } else { 0.0 },
                title,
                text,
                units: jaccard(new_units.get(i)?, old_units.get(j)?),
                dist: (relative(i, nn) - relative(j, no)).abs(),
            })
        })
        .collect();
    // Pass 1: content alone; passes 2 and 3: with the parent's match from the pass before.
    let first: Vec<Scored> = likes
        .iter()
        .map(|l| Scored {
            new: l.new,
            old: l.old,
            score: round(l.content()),
            dist: l.dist,
        })
        .collect();
    let mut result = assign(&first, nn, no);
    let new_index: HashMap<&str, usize> = new
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.0.as_str(), i))
        .collect();
    let old_index: HashMap<&str, usize> = base
        .nodes
        .iter()
        .enumerate()
        .map(|(j, n)| (n.id.0.as_str(), j))
        .collect();
    let new_parent: Vec<Option<usize>> = new
        .nodes
        .iter()
        .map(|n| {
            n.parent
                .as_ref()
                .and_then(|p| new_index.get(p.0.as_str()).copied())
        })
        .collect();
    let old_parent: Vec<Option<usize>> = base
        .nodes
        .iter()
        .map(|n| {
            n.parent
                .as_ref()
                .and_then(|p| old_index.get(p.0.as_str()).copied())
        })
        .collect();
    for _ in 0..2 {
        let scored: Vec<Scored> = likes
            .iter()
            .map(|l| {
                let np = new_parent.get(l.new).copied().flatten();
                let op = old_parent.get(l.old).copied().flatten();
                let same_parent = match (np, op) {
                    (None, None) => true,
                    (Some(np), Some(op)) => {
                        result.get(np).copied().flatten().map(|(j, _, _)| j) == Some(op)
                    }
                    _ => false,
                };
                Scored {
                    new: l.new,
                    old: l.old,
                    score: l.score(if same_parent { 1.0 } else { 0.0 }),
                    dist: l.dist,
                }
            })
            .collect();
        result = assign(&scored, nn, no);
    }
    result
}

pub(super) fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

pub(super) fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Target matching, with the node matching as a hint.
pub(super) fn match_targets(
    base: &Plan,
    new: &Plan,
    node_map: &HashMap<&str, &str>,
) -> Vec<Option<(usize, f64, bool)>> {
    let (nn, no) = (new.targets.len(), base.targets.len());
    let all = |p: &Plan| -> Vec<Vec<u64>> {
        p.targets
            .iter()
            .map(|t| bag(&[&t.indicator, &t.text]))
            .collect()
    };
    let (new_all, old_all) = (all(new), all(base));
    let field = |p: &Plan, f: fn(&Target) -> &str| -> Vec<Vec<u64>> {
        p.targets.iter().map(|t| bag(&[f(t)])).collect()
    };
    let (new_ind, old_ind) = (field(new, |t| &t.indicator), field(base, |t| &t.indicator));
    let (new_text, old_text) = (field(new, |t| &t.text), field(base, |t| &t.text));
    let mut by_node: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, t) in base.targets.iter().enumerate() {
        by_node.entry(t.node.0.as_str()).or_default().push(j);
    }
    let pairs = candidates(&new_all, &old_all, |i| {
        new.targets
            .get(i)
            .and_then(|t| node_map.get(t.node.0.as_str()))
            .and_then(|old_node| by_node.get(old_node))
            .cloned()
            .unwrap_or_default()
    });
    let scored: Vec<Scored> = pairs
        .into_iter()
        .filter_map(|(i, j)| {
            let (a, b) = (new.targets.get(i)?, base.targets.get(j)?);
            let indicator = dice(new_ind.get(i)?, old_ind.get(j)?);
            let text = dice(new_text.get(i)?, old_text.get(j)?);
            let value = same_value(a.value, b.value)
                && match (a.value_high, b.value_high) {
                    (Some(x), Some(y)) => same_value(x, y),
                    (None, None) => true,
                    _ => false,
                };
            let node = node_map.get(a.node.0.as_str()) == Some(&b.node.0.as_str());
            let score = 0.30 * indicator
                + 0.15 * flag(value)
                + 0.05 * flag(squeeze(&a.unit) == squeeze(&b.unit))
                + 0.05 * flag(a.comparator == b.comparator)
                + 0.10 * flag(a.year == b.year)
                + 0.15 * text
                + 0.20 * flag(node);
            Some(Scored {
                new: i,
                old: j,
                score: round(score),
                dist: (relative(i, nn) - relative(j, no)).abs(),
            })
        })
        .collect();
    assign(&scored, nn, no)
}

/// Project matching: by name, with the node matching as a hint.
pub(super) fn match_projects(
    base: &Plan,
    new: &Plan,
    node_map: &HashMap<&str, &str>,
) -> Vec<Option<(usize, f64, bool)>> {
    let (nn, no) = (new.projects.len(), base.projects.len());
    let new_bags: Vec<Vec<u64>> = new.projects.iter().map(|p| bag(&[&p.name])).collect();
    let old_bags: Vec<Vec<u64>> = base.projects.iter().map(|p| bag(&[&p.name])).collect();
    let pairs = candidates(&new_bags, &old_bags, |_| Vec::new());
    let empty = Vec::new();
    let scored: Vec<Scored> = pairs
        .into_iter()
        .filter_map(|(i, j)| {
            let (a, b) = (new.projects.get(i)?, base.projects.get(j)?);
            let name = dice(
                new_bags.get(i).unwrap_or(&empty),
                old_bags.get(j).unwrap_or(&empty),
            );
            let node = node_map.get(a.node.0.as_str()) == Some(&b.node.0.as_str());
            Some(Scored {
                new: i,
                old: j,
                score: round(0.75 * name + 0.25 * flag(node)),
                dist: (relative(i, nn) - relative(j, no)).abs(),
            })
        })
        .collect();
    assign(&scored, nn, no)
}

pub(super) fn pair(kind: ItemKind, new: &str, old: Option<(&str, f64, bool)>) -> Pair {
    Pair {
        kind,
        new: new.to_owned(),
        old: old.map(|(k, _, _)| k.to_owned()),
        score: old.map_or(0.0, |(_, s, _)| s),
        uncertain: old.is_some_and(|(_, _, u)| u),
    }
}

/// Pairs every item of `new` (as parsed) with the item of `base` (in force, stable keys) it
/// continues.
///
/// Nodes score `0.08·kind + 0.22·title + 0.45·text + 0.10·units + 0.12·parent + 0.03·order`
/// (title and text: Dice coefficient of character bigrams, whitespace ignored; units: Jaccard
/// of the unit names; parent: 1 when the new parent continues the old parent; order: 1 − 4 ×
/// the difference of relative document positions, at least 0). Targets score
/// `0.30·indicator + 0.15·value + 0.05·unit + 0.05·comparator + 0.10·year + 0.15·text +
/// 0.20·node`, projects `0.75·name + 0.25·node`. Pairs are chosen greedily, best first, one to
/// one; nothing below [`FLOOR`] is paired; a pair is uncertain below [`ACCEPT`], or when a rival
/// comes within [`MARGIN`] of it and it is below [`SURE`].
pub fn match_plans(base: &Plan, new: &Plan) -> Matching {
    let nodes = match_nodes(base, new);
    let mut node_map: HashMap<&str, &str> = HashMap::new();
    let mut pairs = Vec::new();
    for (n, m) in new.nodes.iter().zip(&nodes) {
        let old = m.and_then(|(j, s, u)| base.nodes.get(j).map(|o| (o.id.0.as_str(), s, u)));
        if let Some((k, _, _)) = old {
            node_map.insert(n.id.0.as_str(), k);
        }
        pairs.push(pair(ItemKind::Node, &n.id.0, old));
    }
    let targets = match_targets(base, new, &node_map);
    for (t, m) in new.targets.iter().zip(&targets) {
        let old = m.and_then(|(j, s, u)| base.targets.get(j).map(|o| (o.id.0.as_str(), s, u)));
        pairs.push(pair(ItemKind::Target, &t.id.0, old));
    }
    let projects = match_projects(base, new, &node_map);
    for (p, m) in new.projects.iter().zip(&projects) {
        let old = m.and_then(|(j, s, u)| base.projects.get(j).map(|o| (o.id.0.as_str(), s, u)));
        pairs.push(pair(ItemKind::Project, &p.id.0, old));
    }
    Matching { pairs }
}
