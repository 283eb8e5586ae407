//! The plan's unit registry: every unit name seen, with spelling variants merged.

use std::collections::HashMap;

use duban_domain::{Diagnostic, Severity, Unit};

use crate::unit_name::unit_kind;

/// Largest group of same-shaped names compared pairwise for spelling variants.
const MAX_BUCKET: usize = 500;

/// Collects unit names in order of first mention.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    names: Vec<String>,
    counts: HashMap<String, usize>,
    first_line: HashMap<String, u32>,
}

/// How two spellings were found to be one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Likeness {
    /// Equal once `和`/`与` are dropped (`市工业和信息化局` / `市工业信息化局`).
    Conjunction,
    /// The same characters in another order (`国网海东供电公司` / `海东国网供电公司`).
    Reordered,
    /// One character differs, perhaps after reordering (`市文体旅游广电局` / `市文化旅游广电局`).
    OneCharacter,
}

impl Registry {
    /// Records one mention of `name` at `line`.
    pub fn add(&mut self, name: &str, line: u32) {
        if let Some(count) = self.counts.get_mut(name) {
            *count += 1;
            return;
        }
        self.counts.insert(name.to_owned(), 1);
        self.names.push(name.to_owned());
        self.first_line.insert(name.to_owned(), line);
    }

    /// Merges spelling variants. Returns the units and a map from every spelling to its
    /// canonical name; each merge is reported for a person to confirm.
    pub fn resolve(
        &self,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (Vec<Unit>, HashMap<String, String>) {
        let n = self.names.len();
        let mut parent: Vec<usize> = (0..n).collect();
        let mut merges: Vec<(usize, usize, Likeness)> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (i, name) in self.names.iter().enumerate() {
            if let Some(&j) = by_key.get(&conjunction_key(name)) {
                union(&mut parent, j, i);
                merges.push((j, i, Likeness::Conjunction));
            } else {
                by_key.insert(conjunction_key(name), i);
            }
        }
        // Only names of equal length and ending compare; a huge bucket (adversarial input) is
        // left unmerged rather than compared pairwise.
        let mut buckets: HashMap<(usize, Option<char>), Vec<usize>> = HashMap::new();
        for (i, name) in self.names.iter().enumerate() {
            let key = (name.chars().count(), name.chars().last());
            buckets.entry(key).or_default().push(i);
        }
        let mut keys: Vec<_> = buckets.keys().copied().collect();
        keys.sort_unstable();
        for key in keys {
            let bucket = buckets.get(&key).map(Vec::as_slice).unwrap_or_default();
            if bucket.len() > MAX_BUCKET {
                continue;
            }
            for (bi, &i) in bucket.iter().enumerate() {
                for &j in bucket.iter().take(bi) {
                    if find(&mut parent, i) == find(&mut parent, j) {
                        continue;
                    }
                    let (Some(a), Some(b)) = (self.names.get(j), self.names.get(i)) else {
                        continue;
                    };
                    if let Some(likeness) = alike(a, b) {
                        union(&mut parent, j, i);
                        merges.push((j, i, likeness));
                    }
                }
            }
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for i in 0..n {
            let root = find(&mut parent, i);
            let g = *group_of.entry(root).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            if let Some(group) = groups.get_mut(g) {
                group.push(i);
            }
        }
        let mut units = Vec::new();
        let mut canonical = HashMap::new();
        for group in &groups {
            let best = group
                .iter()
                .copied()
                .max_by_key(|i| (self.count(*i), usize::MAX - i))
                .unwrap_or_default();
            let name = self.names.get(best).cloned().unwrap_or_default();
            let aliases: Vec<String> = group
                .iter()
                .filter(|i| **i != best)
                .filter_map(|i| self.names.get(*i).cloned())
                .collect();
            for i in group {
                if let Some(spelling) = self.names.get(*i) {
                    canonical.insert(spelling.clone(), name.clone());
                }
            }
            units.push(Unit {
                kind: unit_kind(&name),
                name,
                aliases,
            });
        }
        for (j, i, likeness) in merges {
            let (Some(a), Some(b)) = (self.names.get(j), self.names.get(i)) else {
                continue;
            };
            let target = canonical.get(a).cloned().unwrap_or_default();
            let (variant, severity) = match likeness {
                Likeness::Conjunction => ("仅差“和/与”", Severity::Info),
                Likeness::Reordered => ("字序不同", Severity::Warning),
                Likeness::OneCharacter => ("仅差一字", Severity::Warning),
            };
            diagnostics.push(Diagnostic::new(
                self.first_line.get(b).copied(),
                severity,
                "unit_merged",
                format!("单位名称“{b}”与“{a}”{variant}，已合并为“{target}”，请确认是否为同一单位"),
            ));
        }
        (units, canonical)
    }

    fn count(&self, i: usize) -> usize {
        self.names
            .get(i)
            .and_then(|n| self.counts.get(n))
            .copied()
            .unwrap_or(0)
    }
}

fn conjunction_key(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '和' | '与')).collect()
}

/// Whether two different spellings name the same unit.
fn alike(a: &str, b: &str) -> Option<Likeness> {
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if ca.len() != cb.len() || ca.last() != cb.last() {
        return None;
    }
    let (mut sa, mut sb) = (ca.clone(), cb.clone());
    sa.sort_unstable();
    sb.sort_unstable();
    if sa == sb {
        return (ca.len() >= 5).then_some(Likeness::Reordered);
    }
    if ca.len() < 7 || ca.first() != cb.first() || a.starts_with('各') {
        return None;
    }
    // Exactly one character of `a` has no partner in `b` (and so one of `b` none in `a`).
    let (mut i, mut j, mut unmatched) = (0, 0, 0);
    while let (Some(x), Some(y)) = (sa.get(i), sb.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                unmatched += 1;
                i += 1;
            }
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    unmatched += sa.len() - i;
    (unmatched == 1).then_some(Likeness::OneCharacter)
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut root = i;
    while let Some(&p) = parent.get(root) {
        if p == root {
            break;
        }
        root = p;
    }
    if let Some(slot) = parent.get_mut(i) {
        *slot = root;
    }
    root
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if let Some(slot) = parent.get_mut(rb) {
        *slot = ra;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_real_plans_merge() {
        assert_eq!(
            alike("市文体旅游广电局", "市文化旅游广电局"),
            Some(Likeness::OneCharacter)
        );
        assert_eq!(
            alike("市文体旅游广电局", "市文体广电旅游局"),
            Some(Likeness::Reordered)
        );
        assert_eq!(
            alike("国网海东供电公司", "海东国网供电公司"),
            Some(Likeness::Reordered)
        );
        assert_eq!(
            conjunction_key("市工业和信息化局"),
            conjunction_key("市工业信息化局")
        );
    }

    #[test]
    fn different_units_stay_apart() {
        assert_eq!(alike("乐都区政府", "平安区政府"), None);
        assert_eq!(alike("市发展改革委", "区发展改革委"), None);
        assert_eq!(alike("市卫生健康委", "市卫生健康局"), None);
        assert_eq!(alike("市民政局", "市财政局"), None);
        assert_eq!(alike("海东工业园区管委会", "乐都工业园区管委会"), None);
        assert_eq!(alike("市住房建设局", "市城乡建设局"), None);
    }

    #[test]
    fn canonical_is_the_most_used_spelling() {
        let mut r = Registry::default();
        r.add("市文化旅游广电局", 1);
        r.add("市文体旅游广电局", 2);
        r.add("市文体旅游广电局", 3);
        r.add("市文体广电旅游局", 4);
        let mut d = Vec::new();
        let (units, map) = r.resolve(&mut d);
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].name, "市文体旅游广电局");
        assert_eq!(units[0].aliases, ["市文化旅游广电局", "市文体广电旅游局"]);
        assert_eq!(map["市文体广电旅游局"], "市文体旅游广电局");
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.code == "unit_merged"));
    }
}
