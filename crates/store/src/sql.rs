//! The store over `sqlx::Any`: the same queries for SQLite and PostgreSQL.

use duban_domain::{Plan, Registry};
use sqlx::{AnyPool, Row};
use tokio::sync::Mutex;

use crate::{Backend, Imported, PlanSummary, Result, Source, Store, StoreError, UnitRecord};

/// A store on an SQL database.
pub(crate) struct SqlStore {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer: writes in this process queue here instead of failing with
    /// "database is locked" (other processes wait on the busy timeout).
    pub(crate) write_lock: Mutex<()>,
}

impl SqlStore {
    pub(crate) async fn connect(url: &str) -> Result<Self> {
        let backend = Backend::from_url(url)?;
        let pool = backend.open(url).await?;
        Ok(Self {
            pool,
            backend,
            write_lock: Mutex::new(()),
        })
    }
}

#[async_trait::async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn migrate(&self) -> Result<()> {
        let _write = self.write_lock.lock().await;
        self.backend
            .migrator()
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))
    }

    async fn health(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn import_plan(&self, source: &Source, plan: &Plan) -> Result<Imported> {
        crate::import::import(self, source, plan).await
    }

    async fn plans(&self) -> Result<Vec<PlanSummary>> {
        let rows = sqlx::query(
            "SELECT p.id, p.title, p.issuer, p.doc_number, p.issued_on, p.current_version,
                (SELECT COUNT(*) FROM nodes n WHERE n.plan_version_id = v.id),
                (SELECT COUNT(DISTINCT a.node_id) FROM assignments a
                    JOIN nodes n ON n.id = a.node_id WHERE n.plan_version_id = v.id),
                (SELECT COUNT(*) FROM targets t WHERE t.plan_version_id = v.id),
                (SELECT COUNT(DISTINCT a.unit_id) FROM assignments a
                    JOIN nodes n ON n.id = a.node_id WHERE n.plan_version_id = v.id),
                (SELECT COUNT(*) FROM projects r WHERE r.plan_version_id = v.id)
             FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.current_version
             ORDER BY p.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PlanSummary {
                    id: r.try_get(0)?,
                    title: r.try_get(1)?,
                    issuer: r.try_get(2)?,
                    doc_number: r.try_get(3)?,
                    issued_on: r.try_get(4)?,
                    version: r.try_get(5)?,
                    nodes: r.try_get(6)?,
                    tasks: r.try_get(7)?,
                    targets: r.try_get(8)?,
                    units: r.try_get(9)?,
                    projects: r.try_get(10)?,
                })
            })
            .collect()
    }

    async fn plan(&self, plan_id: i64, version: Option<i64>) -> Result<Option<Plan>> {
        let row = sqlx::query(
            "SELECT v.plan_json FROM plan_versions v JOIN plans p ON p.id = v.plan_id
             WHERE p.id = $1 AND v.version = COALESCE($2, p.current_version)",
        )
        .bind(plan_id)
        .bind(version)
        .persistent(false)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let json: String = row.try_get(0)?;
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("计划 {plan_id}：{e}")))
    }

    async fn current_version(&self, plan_id: i64) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT current_version FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    async fn current_versions(&self) -> Result<Vec<(i64, i64, String)>> {
        let rows = sqlx::query("SELECT id, current_version, title FROM plans ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    async fn load_registry(&self, registry: &Registry) -> Result<()> {
        crate::registry::load(self, registry).await
    }

    async fn unit(&self, name: &str) -> Result<Option<UnitRecord>> {
        let row = sqlx::query(
            "SELECT u.id, u.name, u.kind, u.adcode FROM units u WHERE u.name = $1
             UNION ALL
             SELECT u.id, u.name, u.kind, u.adcode FROM units u JOIN unit_aliases a ON a.unit_id = u.id WHERE a.alias = $1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get(0)?;
        let aliases =
            sqlx::query("SELECT alias FROM unit_aliases WHERE unit_id = $1 ORDER BY alias")
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<std::result::Result<Vec<_>, _>>()?;
        let members = sqlx::query(
            "SELECT u.name FROM unit_group_members m JOIN units u ON u.id = m.member_id
             WHERE m.group_id = $1 ORDER BY u.adcode, u.name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Some(UnitRecord {
            id,
            name: row.try_get(1)?,
            kind: row.try_get(2)?,
            aliases,
            adcode: row.try_get(3)?,
            members,
        }))
    }

    async fn applied_migrations(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT description FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(StoreError::from))
            .collect()
    }
}
