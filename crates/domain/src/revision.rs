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
            let indicator = dice(&bag(&[&a.indicator]), &bag(&[&b.indicator]));
            let text = dice(&bag(&[&a.text]), &bag(&[&b.text]));
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
