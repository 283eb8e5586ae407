//! Parsed plans kept in memory, keyed by plan and version. A version never changes once stored,
//! so an entry is valid as long as it is the plan's current version: each use asks the store
//! for the current version (one cheap query) and loads only what it has not seen. Servers stay
//! stateless: a cache is a copy, never the truth.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use duban_domain::Plan;
use duban_store::{Result, Store};

/// Most plans kept; past it the cache starts afresh.
const CAPACITY: usize = 128;

/// The cache.
#[derive(Default)]
pub struct PlanCache {
    entries: Mutex<HashMap<i64, (i64, Arc<Plan>)>>,
    /// One load at a time: requests that miss together wait for the first to fill the entry
    /// instead of each reading the same plan.
    loading: tokio::sync::Mutex<()>,
}

impl PlanCache {
    /// The current version of a plan, from memory when it is there.
    pub async fn get(&self, store: &dyn Store, plan_id: i64) -> Result<Option<Arc<Plan>>> {
        let Some(version) = store.current_version(plan_id).await? else {
            return Ok(None);
        };
        self.get_version(store, plan_id, version).await
    }

    /// A plan at a version known to be current.
    pub async fn get_version(
        &self,
        store: &dyn Store,
        plan_id: i64,
        version: i64,
    ) -> Result<Option<Arc<Plan>>> {
        if let Some(plan) = self.lookup(plan_id, version) {
            return Ok(Some(plan));
        }
        let _loading = self.loading.lock().await;
        if let Some(plan) = self.lookup(plan_id, version) {
            return Ok(Some(plan));
        }
        let Some(plan) = store.plan(plan_id, Some(version)).await? else {
            return Ok(None);
        };
        let plan = Arc::new(plan);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(plan_id, (version, plan.clone()));
        }
        Ok(Some(plan))
    }

    fn lookup(&self, plan_id: i64, version: i64) -> Option<Arc<Plan>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&plan_id)
            .filter(|(v, _)| *v == version)
            .map(|(_, p)| p.clone())
    }
}
