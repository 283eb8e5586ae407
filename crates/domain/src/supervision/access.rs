//! Who may do what: every route declares one [`Access`] class, and [`permits`] decides for a
//! role and the requester's relation to the record (its own unit's report, a report on a task
//! its unit leads, another unit's).

use serde::Serialize;

use super::AccountRole;

/// What a route or an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Anyone, signed in or not (the public pages of a plan).
    Public,
    /// Anyone signed in (own inbox, own password).
    Signed,
    /// Supervision data everyone signed in may read, filtered to the own unit for reporters.
    SignedFiltered,
    /// Office, leaders and analysts: supervision data across units.
    Oversight,
    /// Office and analysts: exports.
    Export,
    /// The coordination office (administrator, reviewer): rounds, review, milestones.
    Office,
    /// The administrator: accounts and the audit log.
    Admin,
    /// Reading a report: oversight roles, the reporting unit, and the task's lead unit.
    ReportRead,
    /// Writing a report: the reporting unit's reporters only.
    ReportWrite,
}

/// The requester's relation to the record a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ownership {
    /// The request names no unit's record.
    NotApplicable,
    /// The requester's own unit's record.
    Own,
    /// A record of a co unit on a task the requester's unit leads.
    LeadOf,
    /// Another unit's record.
    Other,
}

/// Whether a requester (`None`: anonymous) may do what `access` guards.
pub fn permits(access: Access, role: Option<AccountRole>, ownership: Ownership) -> bool {
    use AccountRole as R;
    let Some(role) = role else {
        return access == Access::Public;
    };
    match access {
        Access::Public | Access::Signed | Access::SignedFiltered => true,
        Access::Oversight => matches!(role, R::Admin | R::Reviewer | R::Leader | R::Analyst),
        Access::Export => matches!(role, R::Admin | R::Reviewer | R::Analyst),
        Access::Office => role.is_office(),
        Access::Admin => role == R::Admin,
        Access::ReportRead => match role {
            R::Reporter => matches!(ownership, Ownership::Own | Ownership::LeadOf),
            _ => true,
        },
        Access::ReportWrite => role == R::Reporter && ownership == Ownership::Own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporters_reach_only_their_own_records() {
        let r = Some(AccountRole::Reporter);
        assert!(permits(Access::ReportWrite, r, Ownership::Own));
        assert!(!permits(Access::ReportWrite, r, Ownership::LeadOf));
        assert!(!permits(Access::ReportWrite, r, Ownership::Other));
        assert!(permits(Access::ReportRead, r, Ownership::LeadOf));
        assert!(!permits(Access::ReportRead, r, Ownership::Other));
        assert!(!permits(Access::Office, r, Ownership::NotApplicable));
        assert!(!permits(
            Access::ReportWrite,
            Some(AccountRole::Admin),
            Ownership::Own
        ));
        assert!(!permits(Access::Signed, None, Ownership::NotApplicable));
        assert!(permits(Access::Public, None, Ownership::NotApplicable));
        assert!(!permits(
            Access::Admin,
            Some(AccountRole::Reviewer),
            Ownership::NotApplicable
        ));
        assert!(permits(
            Access::Export,
            Some(AccountRole::Analyst),
            Ownership::NotApplicable
        ));
        assert!(!permits(
            Access::Export,
            Some(AccountRole::Leader),
            Ownership::NotApplicable
        ));
    }
}
