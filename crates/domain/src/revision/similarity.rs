//! Text likeness for matching: character-bigram bags, the Dice coefficient, candidate pairs
//! from an inverted index, and one-to-one assignment by score.

use std::collections::{BTreeSet, HashMap};

use super::*;

/// Candidates whose bigram bags are less alike than this are not scored (cheap pre-filter).
pub(super) const PREFILTER: f64 = 0.2;

/// The set of character bigrams of a text, whitespace ignored, sorted and without repeats.
/// A text of one character gives that character alone.
pub(super) fn bag(parts: &[&str]) -> Vec<u64> {
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
pub(super) fn common(a: &[u64], b: &[u64]) -> usize {
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
pub(super) fn dice(a: &[u64], b: &[u64]) -> f64 {
    dice_of(common(a, b), a.len(), b.len())
}

pub(super) fn dice_of(common: usize, a: usize, b: usize) -> f64 {
    if a + b == 0 {
        1.0
    } else {
        2.0 * common as f64 / (a + b) as f64
    }
}

/// A text with its whitespace removed: what "the same text" means (page breaks, spacing).
pub(super) fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

pub(super) fn round(x: f64) -> f64 {
    ((x * 10_000.0).round() / 10_000.0).clamp(0.0, 1.0)
}

/// Pairs (new, old) whose bags share enough bigrams, by an inverted index over the old bags;
/// plus the pairs `extra` names. Each pair once.
pub(super) fn candidates(
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
pub(super) struct Scored {
    pub(super) new: usize,
    pub(super) old: usize,
    pub(super) score: f64,
    /// Distance in relative document position, the tie-breaker.
    pub(super) dist: f64,
}

/// One-to-one greedy assignment by score (ties: nearer in the document, then earlier).
/// Returns for each new item its old item, score and whether it is uncertain.
pub(super) fn assign(
    scored: &[Scored],
    n_new: usize,
    n_old: usize,
) -> Vec<Option<(usize, f64, bool)>> {
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

pub(super) fn relative(i: usize, n: usize) -> f64 {
    if n <= 1 {
        0.0
    } else {
        i as f64 / (n - 1) as f64
    }
}
