//! Plans as served kept in memory, keyed by plan, version and edit count. A version never
//! changes once stored and every edit raises the count, so an entry is valid as long as its
//! stamp is the plan's: each use asks the store for the stamp (one cheap query) and loads only
//! what it has not seen. Servers stay
//! stateless: a cache is a copy, never the truth.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use duban_domain::Plan;
use duban_store::{PlanStamp, Result, Store};

/// A cached plan with the character signatures its search uses.
pub struct Cached {
    plan: Plan,
    /// Published for supervision: the public may see it.
    pub published: bool,
    /// What the public sees, when the office marked anything internal.
    public: Option<Arc<Cached>>,
    /// Signatures of each node's title and text, in node order.
    pub node_sigs: Vec<Signature>,
    /// Signatures of each target's indicator and source text.
    pub target_sigs: Vec<Signature>,
    /// Signatures of each project's name.
    pub project_sigs: Vec<Signature>,
}

impl Cached {
    fn new(plan: Plan, published: bool) -> Self {
        let public = plan
            .has_internal()
            .then(|| Arc::new(Self::bare(plan.public_view(), published)));
        Self {
            public,
            ..Self::bare(plan, published)
        }
    }

    /// The public's view of this plan (itself when nothing is internal).
    pub fn public_view(self: &Arc<Self>) -> Arc<Self> {
        self.public.clone().unwrap_or_else(|| self.clone())
    }

    fn bare(plan: Plan, published: bool) -> Self {
        Self {
            published,
            public: None,
            node_sigs: plan
                .nodes
                .iter()
                .map(|n| Signature::of(&[&n.title, &n.text]))
                .collect(),
            target_sigs: plan
                .targets
                .iter()
                .map(|t| Signature::of(&[&t.indicator, &t.text]))
                .collect(),
            project_sigs: plan
                .projects
                .iter()
                .map(|p| Signature::of(&[&p.name]))
                .collect(),
            plan,
        }
    }
}

impl std::ops::Deref for Cached {
    type Target = Plan;

    fn deref(&self) -> &Plan {
        &self.plan
    }
}

/// Which characters a text holds, hashed into 1024 bits: a text lacking one of a term's bits
/// cannot contain the term, so most texts are ruled out without reading them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u64; 16]);

impl Signature {
    /// The signature of some texts together.
    pub fn of(texts: &[&str]) -> Self {
        let mut bits = [0u64; 16];
        for c in texts.iter().flat_map(|t| t.chars()) {
            let h = (c as u32).wrapping_mul(2_654_435_761) >> 22;
            if let Some(word) = bits.get_mut((h >> 6) as usize) {
                *word |= 1 << (h & 63);
            }
        }
        Self(bits)
    }

    /// Whether every bit of `term` is set here (the text may contain the term).
    pub fn may_contain(&self, term: &Signature) -> bool {
        self.0.iter().zip(term.0.iter()).all(|(a, b)| a & b == *b)
    }
}

/// Most plans kept; past it the cache starts afresh.
/// (version, edit count): what a plan as served depends on.
type Stamp = (i64, i64);

const CAPACITY: usize = 128;

/// The cache.
#[derive(Default)]
pub struct PlanCache {
    entries: Mutex<HashMap<i64, (Stamp, Arc<Cached>)>>,
    /// One load at a time: requests that miss together wait for the first to fill the entry
    /// instead of each reading the same plan.
    loading: tokio::sync::Mutex<()>,
}

impl PlanCache {
    /// The plan as served now: a version with the office's edits.
    pub async fn get(&self, store: &dyn Store, plan_id: i64) -> Result<Option<Arc<Cached>>> {
        let Some(stamp) = store.plan_stamp(plan_id).await? else {
            return Ok(None);
        };
        self.get_stamp(store, &stamp).await
    }

    /// The plan as of a stamp (read just before): loaded once per (version, edits).
    pub async fn get_stamp(
        &self,
        store: &dyn Store,
        stamp: &PlanStamp,
    ) -> Result<Option<Arc<Cached>>> {
        let key = (stamp.version, stamp.edits);
        if let Some(plan) = self.lookup(stamp.plan_id, key) {
            return Ok(Some(plan));
        }
        let _loading = self.loading.lock().await;
        if let Some(plan) = self.lookup(stamp.plan_id, key) {
            return Ok(Some(plan));
        }
        let Some(plan) = store.plan(stamp.plan_id, Some(stamp.version)).await? else {
            return Ok(None);
        };
        let plan = Arc::new(Cached::new(plan, stamp.published));
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(stamp.plan_id, (key, plan.clone()));
        }
        Ok(Some(plan))
    }

    fn lookup(&self, plan_id: i64, key: (i64, i64)) -> Option<Arc<Cached>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&plan_id)
            .filter(|(k, _)| *k == key)
            .map(|(_, p)| p.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::Signature;

    #[test]
    fn a_text_that_holds_a_term_is_never_ruled_out() {
        let text =
            "至2030年，乡镇通三级及以上公路比例达到85%，城市（县城）公共供水管网漏损率低于9%。";
        let chars: Vec<char> = text.chars().collect();
        let sig = Signature::of(&[text]);
        for len in 1..=4 {
            for window in chars.windows(len) {
                let term: String = window.iter().collect();
                assert!(sig.may_contain(&Signature::of(&[&term])), "{term}");
            }
        }
    }

    #[test]
    fn most_absent_terms_are_ruled_out() {
        let sig = Signature::of(&["加快推进民和至永靖高速公路等重点项目建设"]);
        let absent = [
            "污水", "乡村", "医疗", "教育", "养老", "水库", "算力", "旅游",
        ];
        let ruled_out = absent
            .iter()
            .filter(|t| !sig.may_contain(&Signature::of(&[t])))
            .count();
        assert!(ruled_out >= 6, "{ruled_out}");
    }
}
