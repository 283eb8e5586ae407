//! Revisions of a plan (动态调整): a changed document matched against the version in force, so
//! that every node, target and project keeps a stable identity and every fact recorded on it
//! (observations, baselines, milestones, work points, people, curation edits) stays on the same
//! indicator.
//!
//! Matching is by content and position together, never by position alone: a node matches the
//! old node most like it (number, title, text, kind, units) with its parent's match as a strong
//! hint; a target the old target with the same indicator, unit, value and year, its node's match
//! as a hint; a project by name. What is not clearly the best match is marked uncertain for the
//! office to decide. [`rekey`] then gives the new document the old keys of its matches and new
//! keys (never used before in the plan) to what is added.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::{Node, NodeId, Plan, Project, ProjectId, Target, TargetId};

/// Which kind of item a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A node (chapter, section, task…).
    Node,
    /// A target.
    Target,
    /// A project.
    Project,
}

/// One pairing of an item of the new document with an item of the version in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// Kind of item.
    pub kind: ItemKind,
    /// Its id in the new document (as parsed: positional).
    pub new: String,
    /// The stable key of the old item it continues, or `None`: added.
    pub old: Option<String>,
    /// How alike the two are, 0–1 (1 for a decision by the office).
    pub score: f64,
    /// Not clearly the best match: the office should decide.
    pub uncertain: bool,
}

/// How every item of the new document continues the old one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Matching {
    /// One pair per item of the new document, in document order (nodes, targets, projects).
    pub pairs: Vec<Pair>,
}

impl Matching {
    /// The old key the new item continues, if any.
    pub fn old_of(&self, kind: ItemKind, new: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|p| p.kind == kind && p.new == new)
            .and_then(|p| p.old.as_deref())
    }

    /// The office's decision: `new` continues `old` (or nothing). Any other new item that was
    /// paired with `old` becomes added.
    pub fn decide(&mut self, kind: ItemKind, new: &str, old: Option<&str>) {
        for p in self.pairs.iter_mut().filter(|p| p.kind == kind) {
            if p.new == new {
                p.old = old.map(str::to_owned);
                p.score = 1.0;
                p.uncertain = false;
            } else if old.is_some() && p.old.as_deref() == old {
                p.old = None;
                p.uncertain = false;
            }
        }
    }

    /// Pairs still to be decided.
    pub fn uncertain(&self) -> impl Iterator<Item = &Pair> {
        self.pairs.iter().filter(|p| p.uncertain)
    }
}

/// What happened to a node between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// New in the revision.
    Added,
    /// Gone from the revision (withdrawn: its history stays).
    Removed,
    /// Same node, different content (title, text, units, deadline, its targets or projects).
    Changed,
    /// Same node under another parent (and possibly changed too: see `fields`).
    Moved,
}

/// One entry of the diff the office reviews: a node and what changed in it, with the targets
/// and projects stated in it that were added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// The node's stable key in the version in force (`None` when added).
    pub old: Option<String>,
    /// The node's id in the new document (`None` when removed).
    pub new: Option<String>,
    /// Its title (new where there is one, else old).
    pub title: String,
    /// Which of the node's own fields changed: `title`, `text`, `units`, `deadline`, `parent`.
    pub fields: Vec<String>,
    /// Before and after of the changed text fields, for display: `(field, before, after)`.
    pub texts: Vec<(String, String, String)>,
    /// Targets stated here that were added (new ids), removed (old keys) or changed (old keys).
    pub targets_added: Vec<String>,
    /// See `targets_added`.
    pub targets_removed: Vec<String>,
    /// See `targets_added`.
    pub targets_changed: Vec<String>,
    /// Projects named here that were added (new ids), removed (old keys) or changed: renamed
    /// or now named here (old keys).
    pub projects_added: Vec<String>,
    /// See `projects_added`.
    pub projects_removed: Vec<String>,
    /// See `projects_added`.
    pub projects_changed: Vec<String>,
    /// Some pairing behind this entry is uncertain.
    pub uncertain: bool,
}

/// Pairs at or above this score are matched with confidence.
pub const ACCEPT: f64 = 0.7;
/// Pairs below this score are not matched at all (the new item is added).
pub const FLOOR: f64 = 0.5;
/// A runner-up within this distance of the best makes a pair uncertain…
pub const MARGIN: f64 = 0.03;
/// …unless the best is at least this good (equal content in the same place).
pub const SURE: f64 = 0.98;
/// Candidates whose bigram bags are less alike than this are not scored (cheap pre-filter).
const PREFILTER: f64 = 0.2;

/// The set of character bigrams of a text, whitespace ignored, sorted and without repeats.
/// A text of one character gives that character alone.
fn bag(parts: &[&str]) -> Vec<u64> {
    let mut out = Vec::new();
    for part in parts {
        let chars: Vec<char> = part.chars().filter(|c| !c.is_whitespace()).collect();
        if let [only] = chars.as_slice() {
            out.push(u64::from(*only) << 32);
        }
        out.extend(chars.windows(2).filter_map(|w| match w {
            [a, b] => Some(u64::from(*a) << 32 | u64::from(*b)),
            _ => None,
        }));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Size of the intersection of two sorted, deduplicated bags.
fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Dice coefficient of two bags (1 when both are empty).
fn dice(a: &[u64], b: &[u64]) -> f64 {
    dice_of(common(a, b), a.len(), b.len())
}

fn dice_of(common: usize, a: usize, b: usize) -> f64 {
    if a + b == 0 {
        1.0
    } else {
        2.0 * common as f64 / (a + b) as f64
    }
}

/// A text with its whitespace removed: what "the same text" means (page breaks, spacing).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn round(x: f64) -> f64 {
    ((x * 10_000.0).round() / 10_000.0).clamp(0.0, 1.0)
}

/// Pairs (new, old) whose bags share enough bigrams, by an inverted index over the old bags;
/// plus the pairs `extra` names. Each pair once.
fn candidates(
    new: &[Vec<u64>],
    old: &[Vec<u64>],
    extra: impl Fn(usize) -> Vec<usize>,
) -> Vec<(usize, usize)> {
    let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
    for (j, b) in old.iter().enumerate() {
        for g in b {
            index.entry(*g).or_default().push(j);
        }
    }
    let mut counts = vec![0usize; old.len()];
    let mut touched = Vec::new();
    let mut out = Vec::new();
    for (i, b) in new.iter().enumerate() {
        for g in b {
            for &j in index.get(g).map(Vec::as_slice).unwrap_or_default() {
                if let Some(c) = counts.get_mut(j) {
                    if *c == 0 {
                        touched.push(j);
                    }
                    *c += 1;
                }
            }
        }
        let mut chosen: BTreeSet<usize> = BTreeSet::new();
        for &j in &touched {
            let c = counts.get(j).copied().unwrap_or(0);
            let len = old.get(j).map_or(0, Vec::len);
            if dice_of(c, b.len(), len) >= PREFILTER {
                chosen.insert(j);
            }
            if let Some(c) = counts.get_mut(j) {
                *c = 0;
            }
        }
        touched.clear();
        if b.is_empty() {
            chosen.extend(
                old.iter()
                    .enumerate()
                    .filter(|(_, o)| o.is_empty())
                    .map(|(j, _)| j),
            );
        }
        chosen.extend(extra(i).into_iter().filter(|&j| j < old.len()));
        out.extend(chosen.into_iter().map(|j| (i, j)));
    }
    out
}

/// A scored candidate pair.
#[derive(Debug, Clone, Copy)]
struct Scored {
    new: usize,
    old: usize,
    score: f64,
    /// Distance in relative document position, the tie-breaker.
    dist: f64,
}

/// One-to-one greedy assignment by score (ties: nearer in the document, then earlier).
/// Returns for each new item its old item, score and whether it is uncertain.
fn assign(scored: &[Scored], n_new: usize, n_old: usize) -> Vec<Option<(usize, f64, bool)>> {
    let mut order: Vec<&Scored> = scored.iter().filter(|s| s.score >= FLOOR).collect();
    order.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.dist.total_cmp(&b.dist))
            .then(a.new.cmp(&b.new))
            .then(a.old.cmp(&b.old))
    });
    let mut out: Vec<Option<(usize, f64, bool)>> = vec![None; n_new];
    let mut taken = vec![false; n_old];
    for s in order {
        let free_new = matches!(out.get(s.new), Some(None));
        let free_old = matches!(taken.get(s.old), Some(false));
        if free_new && free_old {
            if let Some(slot) = out.get_mut(s.new) {
                *slot = Some((s.old, s.score, false));
            }
            if let Some(t) = taken.get_mut(s.old) {
                *t = true;
            }
        }
    }
    // Uncertain: weak, or a rival nearly as good for the same new or the same old item.
    let mut best_rival_new = vec![f64::NEG_INFINITY; n_new];
    let mut best_rival_old = vec![f64::NEG_INFINITY; n_old];
    let old_to_new: HashMap<usize, usize> = out
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|(j, _, _)| (j, i)))
        .collect();
    for s in scored {
        let paired_old = out.get(s.new).copied().flatten().map(|(j, _, _)| j);
        if paired_old.is_some()
            && paired_old != Some(s.old)
            && let Some(r) = best_rival_new.get_mut(s.new)
        {
            *r = r.max(s.score);
        }
        if let Some(&i) = old_to_new.get(&s.old)
            && i != s.new
            && let Some(r) = best_rival_old.get_mut(s.old)
        {
            *r = r.max(s.score);
        }
    }
    for (i, slot) in out.iter_mut().enumerate() {
        if let Some((j, score, uncertain)) = slot {
            let rival = best_rival_new
                .get(i)
                .copied()
                .unwrap_or(f64::NEG_INFINITY)
                .max(best_rival_old.get(*j).copied().unwrap_or(f64::NEG_INFINITY));
            *uncertain = *score < ACCEPT || (*score < SURE && rival >= *score - MARGIN);
        }
    }
    out
}

fn relative(i: usize, n: usize) -> f64 {
    if n <= 1 {
        0.0
    } else {
        i as f64 / (n - 1) as f64
    }
}

/// What two nodes share, apart from where they stand.
#[derive(Debug, Clone, Copy)]
struct NodeLike {
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

const W_KIND: f64 = 0.08;
const W_TITLE: f64 = 0.22;
const W_TEXT: f64 = 0.45;
const W_UNITS: f64 = 0.10;
const W_PARENT: f64 = 0.12;
const W_ORDER: f64 = 0.03;

fn unit_set(n: &Node) -> BTreeSet<&str> {
    n.responsible.iter().map(|a| a.unit.as_str()).collect()
}

fn jaccard(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        1.0
    } else {
        a.intersection(b).count() as f64 / union as f64
    }
}

/// Node matching: returns for each new node its old node index, score and uncertainty.
fn match_nodes(base: &Plan, new: &Plan) -> Vec<Option<(usize, f64, bool)>> {
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

fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Target matching, with the node matching as a hint.
fn match_targets(
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
fn match_projects(
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

fn pair(kind: ItemKind, new: &str, old: Option<(&str, f64, bool)>) -> Pair {
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

/// The pairs of one kind: new id → (old key, uncertain), and the old keys continued.
struct Side<'a> {
    to_old: HashMap<&'a str, (&'a str, bool)>,
    continued: HashSet<&'a str>,
}

impl<'a> Side<'a> {
    fn new(matching: &'a Matching, kind: ItemKind) -> Self {
        let mut to_old = HashMap::new();
        let mut continued = HashSet::new();
        for p in matching.pairs.iter().filter(|p| p.kind == kind) {
            if let Some(old) = p.old.as_deref() {
                to_old.insert(p.new.as_str(), (old, p.uncertain));
                continued.insert(old);
            }
        }
        Self { to_old, continued }
    }

    fn old(&self, new: &str) -> Option<&'a str> {
        self.to_old.get(new).map(|(o, _)| *o)
    }

    fn uncertain(&self, new: &str) -> bool {
        self.to_old.get(new).is_some_and(|(_, u)| *u)
    }
}

fn units_text(n: &Node) -> String {
    n.responsible
        .iter()
        .map(|a| format!("{}({})", a.unit, a.role.as_str()))
        .collect::<Vec<_>>()
        .join("、")
}

fn target_differs(a: &Target, b: &Target) -> bool {
    squeeze(&a.indicator) != squeeze(&b.indicator)
        || !same_value(a.value, b.value)
        || match (a.value_high, b.value_high) {
            (Some(x), Some(y)) => !same_value(x, y),
            (None, None) => false,
            _ => true,
        }
        || squeeze(&a.unit) != squeeze(&b.unit)
        || a.comparator != b.comparator
        || a.year != b.year
}

fn empty_change(kind: ChangeKind, old: Option<&str>, new: Option<&str>, title: &str) -> Change {
    Change {
        kind,
        old: old.map(str::to_owned),
        new: new.map(str::to_owned),
        title: title.to_owned(),
        fields: Vec::new(),
        texts: Vec::new(),
        targets_added: Vec::new(),
        targets_removed: Vec::new(),
        targets_changed: Vec::new(),
        projects_added: Vec::new(),
        projects_removed: Vec::new(),
        projects_changed: Vec::new(),
        uncertain: false,
    }
}

/// The diff the office reviews, one entry per node that was added, removed, moved or changed
/// (in itself or in the targets and projects it states). Nodes that only shifted position
/// (renumbered siblings) are not changes, nor are changes of whitespace alone.
///
/// Entries come in the new document's order; a removed node comes after the entry of the
/// nearest node before it in the old document that continues. Targets and projects are
/// reported under the node that states them: the new node for added and changed ones, the old
/// node for removed ones (under its continuation when it continues).
pub fn diff(base: &Plan, new: &Plan, matching: &Matching) -> Vec<Change> {
    let nodes = Side::new(matching, ItemKind::Node);
    let targets = Side::new(matching, ItemKind::Target);
    let projects = Side::new(matching, ItemKind::Project);
    let old_nodes: HashMap<&str, &Node> = base.nodes.iter().map(|n| (n.id.0.as_str(), n)).collect();
    let old_targets: HashMap<&str, &Target> =
        base.targets.iter().map(|t| (t.id.0.as_str(), t)).collect();
    let old_projects: HashMap<&str, &Project> =
        base.projects.iter().map(|p| (p.id.0.as_str(), p)).collect();
    let mut new_targets_of: HashMap<&str, Vec<&Target>> = HashMap::new();
    for t in &new.targets {
        new_targets_of.entry(t.node.0.as_str()).or_default().push(t);
    }
    let mut old_targets_of: HashMap<&str, Vec<&Target>> = HashMap::new();
    for t in &base.targets {
        old_targets_of.entry(t.node.0.as_str()).or_default().push(t);
    }
    let mut new_projects_of: HashMap<&str, Vec<&Project>> = HashMap::new();
    for p in &new.projects {
        new_projects_of
            .entry(p.node.0.as_str())
            .or_default()
            .push(p);
    }
    let mut old_projects_of: HashMap<&str, Vec<&Project>> = HashMap::new();
    for p in &base.projects {
        old_projects_of
            .entry(p.node.0.as_str())
            .or_default()
            .push(p);
    }
    let none_t: Vec<&Target> = Vec::new();
    let none_p: Vec<&Project> = Vec::new();
    // Old targets and projects stated in an old node that nothing continues.
    let gone_targets = |old: &str| -> Vec<String> {
        old_targets_of
            .get(old)
            .unwrap_or(&none_t)
            .iter()
            .filter(|t| !targets.continued.contains(t.id.0.as_str()))
            .map(|t| t.id.0.clone())
            .collect()
    };
    let gone_projects = |old: &str| -> Vec<String> {
        old_projects_of
            .get(old)
            .unwrap_or(&none_p)
            .iter()
            .filter(|p| !projects.continued.contains(p.id.0.as_str()))
            .map(|p| p.id.0.clone())
            .collect()
    };

    let mut entries: Vec<((usize, u8, usize), Change)> = Vec::new();
    let mut new_pos_of_old: HashMap<&str, usize> = HashMap::new();
    for (i, n) in new.nodes.iter().enumerate() {
        let here_t = new_targets_of.get(n.id.0.as_str()).unwrap_or(&none_t);
        let here_p = new_projects_of.get(n.id.0.as_str()).unwrap_or(&none_p);
        let old = nodes
            .old(&n.id.0)
            .and_then(|k| old_nodes.get(k).map(|o| (k, *o)));
        let Some((key, o)) = old else {
            let mut c = empty_change(ChangeKind::Added, None, Some(&n.id.0), &n.title);
            c.targets_added = here_t.iter().map(|t| t.id.0.clone()).collect();
            c.projects_added = here_p.iter().map(|p| p.id.0.clone()).collect();
            c.uncertain = here_t.iter().any(|t| targets.uncertain(&t.id.0))
                || here_p.iter().any(|p| projects.uncertain(&p.id.0));
            entries.push(((i + 1, 0, 0), c));
            continue;
        };
        new_pos_of_old.insert(key, i);
        let mut c = empty_change(ChangeKind::Changed, Some(key), Some(&n.id.0), &n.title);
        let text_field = |name: &str, before: &str, after: &str, c: &mut Change| {
            if squeeze(before) != squeeze(after) {
                c.fields.push(name.to_owned());
                c.texts
                    .push((name.to_owned(), before.to_owned(), after.to_owned()));
            }
        };
        text_field("title", &o.title, &n.title, &mut c);
        text_field("text", &o.text, &n.text, &mut c);
        if o.responsible != n.responsible {
            c.fields.push("units".to_owned());
            c.texts
                .push(("units".to_owned(), units_text(o), units_text(n)));
        }
        text_field(
            "deadline",
            o.deadline.as_deref().unwrap_or(""),
            n.deadline.as_deref().unwrap_or(""),
            &mut c,
        );
        let moved = match (&n.parent, &o.parent) {
            (None, None) => false,
            (Some(np), op) => nodes.old(&np.0) != op.as_ref().map(|p| p.0.as_str()),
            (None, Some(_)) => true,
        };
        for t in here_t {
            match targets.old(&t.id.0).and_then(|k| old_targets.get(k)) {
                None => c.targets_added.push(t.id.0.clone()),
                Some(ot) => {
                    if target_differs(t, ot) || ot.node.0 != key {
                        c.targets_changed.push(ot.id.0.clone());
                    }
                }
            }
        }
        c.targets_removed = gone_targets(key);
        for p in here_p {
            match projects.old(&p.id.0).and_then(|k| old_projects.get(k)) {
                None => c.projects_added.push(p.id.0.clone()),
                Some(op) => {
                    if squeeze(&op.name) != squeeze(&p.name) || op.node.0 != key {
                        c.projects_changed.push(op.id.0.clone());
                    }
                }
            }
        }
        c.projects_removed = gone_projects(key);
        c.uncertain = nodes.uncertain(&n.id.0)
            || here_t.iter().any(|t| targets.uncertain(&t.id.0))
            || here_p.iter().any(|p| projects.uncertain(&p.id.0));
        if moved {
            c.kind = ChangeKind::Moved;
            c.fields.push("parent".to_owned());
        }
        let changed = moved
            || !c.fields.is_empty()
            || !c.targets_added.is_empty()
            || !c.targets_removed.is_empty()
            || !c.targets_changed.is_empty()
            || !c.projects_added.is_empty()
            || !c.projects_removed.is_empty()
            || !c.projects_changed.is_empty();
        if changed {
            entries.push(((i + 1, 0, 0), c));
        }
    }
    let mut after = 0;
    for (j, o) in base.nodes.iter().enumerate() {
        if let Some(&i) = new_pos_of_old.get(o.id.0.as_str()) {
            after = i + 1;
            continue;
        }
        if nodes.continued.contains(o.id.0.as_str()) {
            continue;
        }
        let mut c = empty_change(ChangeKind::Removed, Some(&o.id.0), None, &o.title);
        c.targets_removed = gone_targets(&o.id.0);
        c.projects_removed = gone_projects(&o.id.0);
        entries.push(((after, 1, j), c));
    }
    entries.sort_by_key(|(k, _)| *k);
    entries.into_iter().map(|(_, c)| c).collect()
}

/// Keys given out by [`rekey`]: never one already used.
struct Keys {
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
fn keys_for<'a>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Assignment, Comparator, NodeKind, Role};

    fn node(id: &str, parent: Option<&str>, kind: NodeKind, title: &str, text: &str) -> Node {
        Node {
            id: NodeId(id.to_owned()),
            parent: parent.map(|p| NodeId(p.to_owned())),
            kind,
            number: None,
            title: title.to_owned(),
            text: text.to_owned(),
            line: 1,
            responsible: Vec::new(),
            responsible_raw: None,
            deadline: None,
            work_plan: Vec::new(),
            supervised: true,
            people: Vec::new(),
            internal: false,
        }
    }

    fn task(id: &str, parent: &str, title: &str, text: &str, unit: &str) -> Node {
        let mut n = node(id, Some(parent), NodeKind::Item, title, text);
        n.responsible = vec![Assignment {
            unit: unit.to_owned(),
            role: Role::Lead,
        }];
        n
    }

    fn target(id: &str, node: &str, indicator: &str, value: f64) -> Target {
        Target {
            id: TargetId(id.to_owned()),
            node: NodeId(node.to_owned()),
            indicator: indicator.to_owned(),
            value,
            unit: "%".to_owned(),
            comparator: Comparator::AtLeast,
            year: Some(2030),
            text: format!("{indicator}达到{value}%"),
            ..Target::default()
        }
    }

    const A: &str =
        "加快城乡基础设施一体化发展，统筹规划城乡道路、供水、电力、通信、供热和污水处理等设施。";
    const B: &str = "全面推进农牧业转移人口落户城镇，进一步简化规范户口迁移手续，优化审批流程。";
    const C: &str = "发挥海东乡村产业特色，加强与西宁合作，共同培育建设一批产品小而特的示范村镇。";
    const D: &str =
        "推动骨干网、城域网扩容升级，推进老旧小区光纤改造，实现千兆到家庭的泛在光纤网络。";

    /// A chapter with one section holding tasks a, b, c.
    fn base() -> Plan {
        let mut p = Plan::new("计划");
        p.nodes = vec![
            node("1", None, NodeKind::Chapter, "重点任务", ""),
            node("1.1", Some("1"), NodeKind::Section, "推进城乡融合", ""),
            task("1.1.1", "1.1", "完善设施", A, "市住房建设局"),
            task("1.1.2", "1.1", "促进流动", B, "市公安局"),
            task("1.1.3", "1.1", "建设乡村", C, "市农业农村局"),
        ];
        p.targets = vec![
            target("t1", "1.1.1", "燃气普及率", 95.0),
            target("t2", "1.1.3", "农村卫生厕所普及率", 95.0),
        ];
        p.projects = vec![Project {
            id: ProjectId("p1".to_owned()),
            name: "乐都杨家水库".to_owned(),
            node: NodeId("1.1.3".to_owned()),
            line: 1,
        }];
        p
    }

    fn old_of<'a>(m: &'a Matching, kind: ItemKind, new: &str) -> Option<&'a str> {
        m.old_of(kind, new)
    }

    #[test]
    fn bigram_similarity_ignores_whitespace() {
        assert_eq!(dice(&bag(&["至 2030 年"]), &bag(&["至2030年"])), 1.0);
        assert_eq!(dice(&bag(&["甲乙丙"]), &bag(&["丁戊己"])), 0.0);
        assert_eq!(dice(&bag(&[""]), &bag(&[""])), 1.0);
        assert_eq!(bag(&["甲"]).len(), 1);
        let half = dice(&bag(&["甲乙丙丁"]), &bag(&["甲乙丙戊"]));
        assert!(half > 0.6 && half < 0.7, "{half}");
    }

    #[test]
    fn a_plan_matches_itself_with_certainty() {
        let p = base();
        let m = match_plans(&p, &p);
        assert_eq!(m.pairs.len(), 8);
        for pair in &m.pairs {
            assert_eq!(pair.old.as_deref(), Some(pair.new.as_str()));
            assert_eq!(pair.score, 1.0);
            assert!(!pair.uncertain);
        }
        assert!(diff(&p, &p, &m).is_empty());
    }

    #[test]
    fn renumbering_after_a_deletion_keeps_the_match() {
        let old = base();
        let mut new = base();
        new.nodes.remove(3);
        if let Some(n) = new.nodes.get_mut(3) {
            n.id = NodeId("1.1.2".to_owned());
            n.number = Some("2.".to_owned());
        }
        for t in new.targets.iter_mut().filter(|t| t.node.0 == "1.1.3") {
            t.node = NodeId("1.1.2".to_owned());
        }
        for p in &mut new.projects {
            p.node = NodeId("1.1.2".to_owned());
        }
        let m = match_plans(&old, &new);
        assert_eq!(old_of(&m, ItemKind::Node, "1.1.2"), Some("1.1.3"));
        assert_eq!(old_of(&m, ItemKind::Target, "t2"), Some("t2"));
        assert_eq!(old_of(&m, ItemKind::Project, "p1"), Some("p1"));
        assert_eq!(m.uncertain().count(), 0);
        let changes = diff(&old, &new, &m);
        assert_eq!(changes.len(), 1, "{changes:#?}");
        let removed = changes.first().map(|c| (c.kind, c.old.as_deref()));
        assert_eq!(removed, Some((ChangeKind::Removed, Some("1.1.2"))));
    }

    #[test]
    fn position_alone_never_matches() {
        let old = base();
        let mut new = base();
        if let Some(n) = new.nodes.get_mut(3) {
            n.title = "新型基础设施".to_owned();
            n.text = D.to_owned();
        }
        let m = match_plans(&old, &new);
        assert_eq!(old_of(&m, ItemKind::Node, "1.1.2"), None);
        let kinds: Vec<ChangeKind> = diff(&old, &new, &m).iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [ChangeKind::Removed, ChangeKind::Added]);
    }

    #[test]
    fn the_parent_decides_between_equal_children() {
        let mut old = Plan::new("计划");
        old.nodes = vec![
            node("1", None, NodeKind::Chapter, "产业发展", A),
            node(
                "1.1",
                Some("1"),
                NodeKind::Section,
                "组织保障",
                "加强组织领导。",
            ),
            node("2", None, NodeKind::Chapter, "生态保护", B),
            node(
                "2.1",
                Some("2"),
                NodeKind::Section,
                "组织保障",
                "加强组织领导。",
            ),
        ];
        // The chapters change places.
        let mut new = Plan::new("计划");
        new.nodes = vec![
            node("1", None, NodeKind::Chapter, "生态保护", B),
            node(
                "1.1",
                Some("1"),
                NodeKind::Section,
                "组织保障",
                "加强组织领导。",
            ),
            node("2", None, NodeKind::Chapter, "产业发展", A),
            node(
                "2.1",
                Some("2"),
                NodeKind::Section,
                "组织保障",
                "加强组织领导。",
            ),
        ];
        let m = match_plans(&old, &new);
        assert_eq!(old_of(&m, ItemKind::Node, "1"), Some("2"));
        assert_eq!(old_of(&m, ItemKind::Node, "1.1"), Some("2.1"));
        assert_eq!(old_of(&m, ItemKind::Node, "2.1"), Some("1.1"));
        assert!(diff(&old, &new, &m).is_empty());
    }

    #[test]
    fn a_weak_match_is_uncertain() {
        let old = base();
        let mut new = base();
        if let Some(n) = new.nodes.get_mut(3) {
            // Same title, kind, unit and place; the text is mostly new.
            n.text = format!("{}{}", B.chars().take(12).collect::<String>(), D);
        }
        let m = match_plans(&old, &new);
        let p = m.pairs.iter().find(|p| p.new == "1.1.2");
        let p = p.map(|p| (p.old.as_deref(), p.uncertain, p.score));
        assert!(
            matches!(p, Some((Some("1.1.2"), true, s)) if (FLOOR..ACCEPT).contains(&s)),
            "{p:?}"
        );
        let changes = diff(&old, &new, &m);
        assert!(changes.iter().all(|c| c.uncertain && c.fields == ["text"]));
    }

    #[test]
    fn a_rival_nearly_as_good_makes_a_pair_uncertain() {
        let old = base();
        let mut new = base();
        // Task b appears twice, each copy with one word changed.
        let mut twin = task(
            "1.1.4",
            "1.1",
            "促进流动",
            &B.replacen("优化", "改进", 1),
            "市公安局",
        );
        twin.line = 2;
        if let Some(n) = new.nodes.get_mut(3) {
            n.text = B.replacen("全面", "加快", 1);
        }
        new.nodes.push(twin);
        let m = match_plans(&old, &new);
        assert!(
            m.pairs.iter().any(|p| p.new == "1.1.2" && p.uncertain),
            "{m:#?}"
        );
    }

    #[test]
    fn a_move_and_target_changes_are_reported_under_their_node() {
        let old = base();
        let mut new = base();
        new.nodes.insert(
            2,
            node("1.2", Some("1"), NodeKind::Section, "建设和美乡村", ""),
        );
        // Task c moves under the new section 1.2 and its target's value changes; task a
        // states one more target and its units change.
        if let Some(n) = new.nodes.iter_mut().find(|n| n.id.0 == "1.1.3") {
            n.id = NodeId("1.2.1".to_owned());
            n.parent = Some(NodeId("1.2".to_owned()));
        }
        if let Some(n) = new.nodes.iter_mut().find(|n| n.id.0 == "1.1.1") {
            n.responsible.push(Assignment {
                unit: "市水务局".to_owned(),
                role: Role::Co,
            });
            n.text.push_str("至2030年，供水普及率达到98%。");
        }
        new.targets = vec![
            target("t1", "1.1.1", "燃气普及率", 95.0),
            target("t2", "1.1.1", "供水普及率", 98.0),
            target("t3", "1.2.1", "农村卫生厕所普及率", 97.0),
        ];
        new.projects.clear();
        let m = match_plans(&old, &new);
        assert_eq!(old_of(&m, ItemKind::Node, "1.2.1"), Some("1.1.3"));
        assert_eq!(old_of(&m, ItemKind::Target, "t3"), Some("t2"));
        assert_eq!(old_of(&m, ItemKind::Target, "t2"), None);
        let changes = diff(&old, &new, &m);
        let summary: Vec<_> = changes
            .iter()
            .map(|c| (c.kind, c.new.as_deref(), c.fields.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                (ChangeKind::Added, Some("1.2"), vec![]),
                (
                    ChangeKind::Changed,
                    Some("1.1.1"),
                    vec!["text".to_owned(), "units".to_owned()]
                ),
                (ChangeKind::Moved, Some("1.2.1"), vec!["parent".to_owned()]),
            ]
        );
        let a = changes.get(1);
        assert_eq!(
            a.map(|c| c.targets_added.clone()),
            Some(vec!["t2".to_owned()])
        );
        let c = changes.get(2);
        assert_eq!(
            c.map(|c| c.targets_changed.clone()),
            Some(vec!["t2".to_owned()])
        );
        assert_eq!(
            c.map(|c| c.projects_removed.clone()),
            Some(vec!["p1".to_owned()])
        );
    }

    #[test]
    fn numbers_and_whitespace_alone_are_not_changes() {
        let old = base();
        let mut new = base();
        for n in &mut new.nodes {
            n.number = Some("X".to_owned());
            n.line += 10;
            n.text = n.text.replace('，', "， ");
        }
        let m = match_plans(&old, &new);
        assert!(diff(&old, &new, &m).is_empty());
    }

    #[test]
    fn deadline_changes_are_changes() {
        let old = base();
        let mut new = base();
        if let Some(n) = new.nodes.get_mut(2) {
            n.deadline = Some("2026年底".to_owned());
        }
        let m = match_plans(&old, &new);
        let changes = diff(&old, &new, &m);
        let fields: Vec<_> = changes.iter().map(|c| c.fields.clone()).collect();
        assert_eq!(fields, [vec!["deadline".to_owned()]]);
    }

    #[test]
    fn rekey_keeps_old_keys_and_never_reuses_one() {
        let old = base();
        let mut new = base();
        // A new task at the top of the section: every positional id below shifts.
        new.nodes
            .insert(2, task("1.1.1", "1.1", "新型基础设施", D, "市数据局"));
        for (i, n) in new.nodes.iter_mut().enumerate().skip(3) {
            n.id = NodeId(format!("1.1.{}", i - 1));
        }
        new.targets = vec![
            target("t1", "1.1.1", "千兆光网覆盖率", 90.0),
            target("t2", "1.1.2", "燃气普及率", 95.0),
            target("t3", "1.1.4", "农村卫生厕所普及率", 95.0),
        ];
        new.projects = vec![Project {
            id: ProjectId("p1".to_owned()),
            name: "乐都杨家水库".to_owned(),
            node: NodeId("1.1.4".to_owned()),
            line: 1,
        }];
        let m = match_plans(&old, &new);
        let used: BTreeSet<String> = ["1.1.1-v3", "t1", "t2", "t3"]
            .into_iter()
            .map(str::to_owned)
            .chain(old.nodes.iter().map(|n| n.id.0.clone()))
            .collect();
        let keyed = rekey(&new, &m, &used, 3);
        let ids: Vec<&str> = keyed.nodes.iter().map(|n| n.id.0.as_str()).collect();
        assert_eq!(ids, ["1", "1.1", "1.1.1-v3-2", "1.1.1", "1.1.2", "1.1.3"]);
        let parents: Vec<Option<&str>> = keyed
            .nodes
            .iter()
            .map(|n| n.parent.as_ref().map(|p| p.0.as_str()))
            .collect();
        assert_eq!(
            parents,
            [
                None,
                Some("1"),
                Some("1.1"),
                Some("1.1"),
                Some("1.1"),
                Some("1.1")
            ]
        );
        let targets: Vec<(&str, &str)> = keyed
            .targets
            .iter()
            .map(|t| (t.id.0.as_str(), t.node.0.as_str()))
            .collect();
        assert_eq!(
            targets,
            [("t1-v3", "1.1.1-v3-2"), ("t1", "1.1.1"), ("t2", "1.1.3")]
        );
        let projects: Vec<(&str, &str)> = keyed
            .projects
            .iter()
            .map(|p| (p.id.0.as_str(), p.node.0.as_str()))
            .collect();
        assert_eq!(projects, [("p1", "1.1.3")]);
    }

    #[test]
    fn an_added_item_keeps_its_positional_id_when_unused() {
        let old = base();
        let mut new = base();
        new.nodes
            .push(task("1.1.4", "1.1", "新型基础设施", D, "市数据局"));
        let m = match_plans(&old, &new);
        let used: BTreeSet<String> = old.nodes.iter().map(|n| n.id.0.clone()).collect();
        let keyed = rekey(&new, &m, &used, 2);
        assert_eq!(keyed.nodes.last().map(|n| n.id.0.as_str()), Some("1.1.4"));
    }

    #[test]
    fn an_office_decision_overrides_the_match() {
        let p = base();
        let mut m = match_plans(&p, &p);
        m.decide(ItemKind::Node, "1.1.3", Some("1.1.2"));
        assert_eq!(m.old_of(ItemKind::Node, "1.1.2"), None);
        let keyed = rekey(&p, &m, &BTreeSet::new(), 2);
        let ids: Vec<&str> = keyed.nodes.iter().map(|n| n.id.0.as_str()).collect();
        // 1.1.2 is now added and its positional id is taken: it gets a fresh key.
        assert_eq!(ids, ["1", "1.1", "1.1.1", "1.1.2-v2", "1.1.2"]);
    }
}
