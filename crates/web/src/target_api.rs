//! The plan-status API under `/api/v1`: a plan's statuses, a target's milestones and values,
//! and the office's own observations. Anonymous callers see the published view (published plans,
//! no internal items, values as of the latest published round); the supervision cycle itself
//! (rounds, reports, review) is in `supervise_api.rs`.

use axum::extract::{Path, Request, State};
use duban_domain::Target;
use duban_domain::supervision::{
    Assessment, Baseline, Counts, Date, Group, Milestone, StatusMethod, TargetSettings,
    TargetStatus, TaskStatus, decompose, target_status,
};
use duban_store::NewObservation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::supervise_api::{
    ApiResult, CreatedJson, body_bytes, check_figures, created, invalid, json_body, ok,
};

async fn plan_of(
    state: &AppState,
    raw: &str,
) -> Result<(i64, std::sync::Arc<crate::cache::Cached>), AppError> {
    let id: i64 = raw
        .parse()
        .map_err(|_| AppError::BadRequest(format!("计划编号应为整数，实为“{raw}”")))?;
    Ok((id, state.plan(id).await?.ok_or(AppError::NotFound)?))
}

/// A plan's statuses.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusJson {
    /// The method targets are assessed by.
    pub method: StatusMethod,
    /// Today, in the office's time zone.
    pub today: Date,
    /// Targets.
    pub targets: Vec<TargetStatus>,
    /// Tasks, each judged by its leads' reports.
    pub tasks: Vec<TaskStatus>,
    /// All targets.
    pub target_counts: Counts,
    /// All tasks.
    pub task_counts: Counts,
    /// By chapter.
    pub chapters: Vec<Group>,
    /// By section.
    pub sections: Vec<Group>,
    /// By reporting unit (signed-in users only: rankings are internal assessments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<Vec<Group>>,
    /// By county-level division (signed-in users only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counties: Option<Vec<Group>>,
    /// For the public: the title of the published round the figures are as of (null: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub published_round: Option<Option<String>>,
}

/// `GET /api/v1/plans/{plan}/status`.
#[utoipa::path(get, path = "/plans/{plan}/status", tag = "supervision",
    summary = "目标与任务状态及汇总 / statuses and roll-ups",
    params(crate::api::PlanParam),
    responses((status = 200, description = "The statuses", body = StatusJson)))]
pub async fn status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> ApiResult {
    let (id, plan, public) = plan_for(&state, &viewer, &raw).await?;
    let d = crate::dashboard::dashboard(&state, id, &plan, public).await?;
    let s = &d.status;
    let mut value = StatusJson {
        method: s.method,
        today: s.today,
        targets: s.targets.clone(),
        tasks: s.tasks.clone(),
        target_counts: s.target_counts,
        task_counts: s.task_counts,
        chapters: s.chapters.clone(),
        sections: s.sections.clone(),
        units: Some(s.units.clone()),
        counties: Some(s.counties.clone()),
        published_round: None,
    };
    if public {
        // Rankings of units and counties are internal assessments.
        value.units = None;
        value.counties = None;
        let round = state
            .store
            .published_cutoff(id)
            .await
            .map_err(AppError::from)?;
        value.published_round = Some(round.map(|(_, t)| t));
    }
    ok(value)
}

/// The plan as the caller may see it, and whether as the public: nobody signed in sees
/// published plans only, without internal items.
async fn plan_for(
    state: &AppState,
    viewer: &Viewer,
    raw: &str,
) -> Result<(i64, std::sync::Arc<crate::cache::Cached>, bool), AppError> {
    let (id, plan) = plan_of(state, raw).await?;
    if viewer.user.is_some() {
        return Ok((id, plan, false));
    }
    if !plan.published {
        return Err(AppError::NotFound);
    }
    Ok((id, plan.public_view(), true))
}

/// A target's baseline, milestones and the status they give.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestonesJson {
    /// The target.
    pub target: Target,
    /// The office's settings.
    pub settings: TargetSettings,
    /// The milestones used (saved, or linear from the baseline).
    pub milestones: Vec<Milestone>,
    /// The plan's method.
    pub method: StatusMethod,
    /// The status and the figures behind it.
    pub assessment: Assessment,
}

/// Milestones saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestonesSavedJson {
    /// The settings' new version check.
    pub row_version: i64,
    /// The milestones stored.
    pub milestones: Vec<Milestone>,
    /// `office` (as sent) or `linear` (decomposed from the baseline).
    #[schema(example = "linear")]
    pub origin: String,
}

/// `GET /api/v1/plans/{plan}/targets/{target}/milestones`: baseline, milestones (saved or
/// linear), and the status they give.
#[utoipa::path(get, path = "/plans/{plan}/targets/{target}/milestones", tag = "supervision",
    summary = "基期、年度目标与状态 / baseline, milestones, status",
    params(crate::api::PlanParam, ("target" = String, Path, example = "t3")),
    responses((status = 200, description = "The milestones", body = MilestonesJson)))]
pub async fn milestones(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
) -> ApiResult {
    let (id, plan, public) = plan_for(&state, &viewer, &raw).await?;
    let target = plan
        .targets
        .iter()
        .find(|t| t.id.0 == key)
        .ok_or(AppError::NotFound)?;
    let settings = state
        .store
        .target_settings(id, &key)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let (facts, _) = crate::dashboard::facts_for(&state, id, public).await?;
    let method = StatusMethod::parse(&facts.method).unwrap_or_default();
    let status = target_status(
        &plan,
        target,
        &facts,
        method,
        duban_domain::supervision::Date::from_unix(
            duban_store::now(),
            state.config.utc_offset_hours,
        ),
    );
    let (used, assessment) = (status.milestones, status.assessment);
    ok(MilestonesJson {
        target: target.clone(),
        settings,
        milestones: used,
        method,
        assessment,
    })
}

/// A target's baseline and milestones.
#[derive(Deserialize, ToSchema)]
struct MilestonesBody {
    /// The version check read with the settings (0: never set).
    row_version: i64,
    /// The baseline.
    baseline: Option<Baseline>,
    /// Absent: linear from the baseline.
    milestones: Option<Vec<Milestone>>,
}

/// `PUT /api/v1/plans/{plan}/targets/{target}/milestones`.
#[utoipa::path(put, path = "/plans/{plan}/targets/{target}/milestones", tag = "supervision",
    summary = "设定基期与年度目标（省略 milestones 则线性分解）/ set baseline and milestones",
    params(crate::api::PlanParam, ("target" = String, Path, example = "t3")),
    request_body = MilestonesBody,
    responses((status = 200, description = "Saved", body = MilestonesSavedJson)))]
pub async fn set_milestones(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
    req: Request,
) -> ApiResult {
    let (id, plan) = plan_of(&state, &raw).await?;
    let target = plan
        .targets
        .iter()
        .find(|t| t.id.0 == key)
        .ok_or(AppError::NotFound)?;
    let b: MilestonesBody = json_body(&body_bytes(req, 1 << 20).await?)?;
    let mut figures = Vec::new();
    let mut years = Vec::new();
    if let Some(base) = b.baseline {
        figures.push(("baseline.value".to_owned(), base.value));
        years.push(("baseline.year".to_owned(), base.year));
    }
    for (i, m) in b.milestones.iter().flatten().enumerate() {
        figures.push((format!("milestones[{i}].value"), m.value));
        years.push((format!("milestones[{i}].year"), m.year));
    }
    let errors = check_figures(&figures, &years);
    if !errors.is_empty() {
        return Ok(invalid("基期或年度目标有误，未保存", &errors));
    }
    let (ms, origin) = match b.milestones {
        Some(m) => (m, "office"),
        None => (
            decompose(target, b.baseline, plan.operative_horizon()),
            "linear",
        ),
    };
    let row_version = state
        .store
        .save_target_settings(
            &viewer.actor(),
            id,
            &key,
            b.row_version,
            b.baseline,
            &ms,
            origin,
        )
        .await
        .map_err(AppError::from)?;
    ok(MilestonesSavedJson {
        row_version,
        milestones: ms,
        origin: origin.to_owned(),
    })
}

/// An approved value of a target.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationJson {
    /// Id (signed-in users).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The target's key.
    pub target_key: String,
    /// The date the value describes.
    #[schema(value_type = Date)]
    pub observed_on: String,
    /// The value.
    pub value: f64,
    /// Where it comes from (signed-in users).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Always `approved`.
    #[schema(example = "approved")]
    pub status: String,
    /// The report version that carried it (signed-in users; null: entered by the office).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>)]
    pub report_version_id: Option<Option<i64>>,
}

/// A target's approved values.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationsJson {
    /// The values.
    pub items: Vec<ObservationJson>,
    /// For the public: the title of the published round the values are as of (null: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub published_round: Option<Option<String>>,
}

/// `GET /api/v1/plans/{plan}/targets/{target}/observations`: approved values.
#[utoipa::path(get, path = "/plans/{plan}/targets/{target}/observations", tag = "supervision",
    summary = "已审核的监测值 / approved values",
    params(crate::api::PlanParam, ("target" = String, Path, example = "t3")),
    responses((status = 200, description = "The values", body = ObservationsJson)))]
pub async fn observations(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
) -> ApiResult {
    let (id, plan, public) = plan_for(&state, &viewer, &raw).await?;
    if !plan.targets.iter().any(|t| t.id.0 == key) {
        return Err(AppError::NotFound.into());
    }
    if public {
        // The values of the published round, as they stood when it was published.
        let (facts, round) = crate::dashboard::facts_for(&state, id, true).await?;
        let items: Vec<ObservationJson> = facts
            .targets
            .get(&key)
            .map(|(_, obs)| {
                obs.iter()
                    .map(|o| ObservationJson {
                        id: None,
                        target_key: key.clone(),
                        observed_on: o.on.to_string(),
                        value: o.value,
                        source: None,
                        status: "approved".to_owned(),
                        report_version_id: None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        return ok(ObservationsJson {
            items,
            published_round: Some(round),
        });
    }
    let all = state
        .store
        .observations(id, &key)
        .await
        .map_err(AppError::from)?;
    let items = all
        .into_iter()
        .filter(|o| o.status == "approved")
        .map(|o| ObservationJson {
            id: Some(o.id),
            target_key: o.target_key,
            observed_on: o.observed_on,
            value: o.value,
            source: Some(o.source),
            status: o.status,
            report_version_id: Some(o.report_version_id),
        })
        .collect();
    ok(ObservationsJson {
        items,
        published_round: None,
    })
}

/// A value the office records.
#[derive(Deserialize, ToSchema)]
struct ObservationBody {
    /// The date the value describes.
    observed_on: Date,
    /// The value.
    value: f64,
    /// Where it comes from (统计公报, 部门台账…).
    source: String,
}

/// `POST /api/v1/plans/{plan}/targets/{target}/observations`: the office records a value.
#[utoipa::path(post, path = "/plans/{plan}/targets/{target}/observations", tag = "supervision",
    summary = "录入监测值（直接生效）/ record a value",
    params(crate::api::PlanParam, ("target" = String, Path, example = "t3")),
    request_body = ObservationBody,
    responses((status = 201, description = "Recorded", body = CreatedJson)))]
pub async fn record_observation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
    req: Request,
) -> ApiResult {
    let (id, _) = plan_of(&state, &raw).await?;
    let b: ObservationBody = json_body(&body_bytes(req, 1 << 20).await?)?;
    let errors = check_figures(&[("value".to_owned(), b.value)], &[]);
    if !errors.is_empty() {
        return Ok(invalid("监测值有误，未保存", &errors));
    }
    let o = NewObservation {
        target_key: key,
        observed_on: b.observed_on,
        value: b.value,
        source: b.source,
    };
    let obs_id = state
        .store
        .record_observation(&viewer.actor(), id, &o)
        .await
        .map_err(AppError::from)?;
    created(CreatedJson { id: obs_id })
}
