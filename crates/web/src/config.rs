//! What a deployment configures about supervision: security policy, cookies, evidence files,
//! reminders and their delivery.

use std::path::PathBuf;

use duban_domain::supervision::SecurityPolicy;

/// An SMTP relay for notices by e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Host name or address.
    pub host: String,
    /// Port (25 or 587 on a government relay; 2525 in tests).
    pub port: u16,
    /// The sender address.
    pub from: String,
    /// User and password, if the relay asks.
    pub credentials: Option<(String, String)>,
}

/// Supervision settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Passwords, lockout, session timeouts.
    pub security: SecurityPolicy,
    /// Mark session cookies `Secure` (on unless serving plain HTTP on purpose).
    pub secure_cookies: bool,
    /// Where evidence files live (content-addressed, outside the database).
    pub evidence_dir: PathBuf,
    /// The largest evidence file accepted, in bytes.
    pub max_file_bytes: usize,
    /// The largest request accepted, in bytes (all files of a submission together).
    pub max_request_bytes: usize,
    /// Days before a due date that reminders start.
    pub reminder_lead_days: i64,
    /// The office's time zone, hours east of UTC (Beijing: 8): it decides what "today" is.
    pub utc_offset_hours: i64,
    /// E-mail delivery of notices.
    pub smtp: Option<SmtpConfig>,
    /// A webhook that gets every notice as JSON (government messaging bots).
    pub webhook_url: Option<String>,
    /// Where unit e-mail addresses come from: `unit name → address`.
    pub unit_emails: std::collections::HashMap<String, String>,
    /// County boundaries for the map: a GeoJSON FeatureCollection whose features carry their
    /// GB/T 2260 code (`id` or `properties.adcode`). None: the bundled demo boundaries.
    pub map_geojson: Option<axum::body::Bytes>,
    /// The map's source and approval (审图号), shown under it.
    pub map_attribution: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            security: SecurityPolicy::default(),
            secure_cookies: true,
            evidence_dir: PathBuf::from("data/evidence"),
            max_file_bytes: 20 * 1024 * 1024,
            max_request_bytes: 64 * 1024 * 1024,
            reminder_lead_days: 3,
            utc_offset_hours: 8,
            smtp: None,
            webhook_url: None,
            unit_emails: std::collections::HashMap::new(),
            map_geojson: None,
            map_attribution: None,
        }
    }
}
