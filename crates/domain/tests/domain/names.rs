//! The names the enums give themselves are the names `duban.plan/1` writes.

use duban_domain::{NodeKind, Role, Severity, UnitKind};

fn serde_name<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn as_str_matches_serde() {
    use NodeKind::*;
    for k in [Part, Chapter, Section, Item, Subitem, Paragraph] {
        assert_eq!(k.as_str(), serde_name(k));
    }
    for r in [Role::Lead, Role::Co, Role::Implementer] {
        assert_eq!(r.as_str(), serde_name(r));
    }
    use UnitKind::*;
    for u in [Department, CountyGovernment, Park, Enterprise, Group, Other] {
        assert_eq!(u.as_str(), serde_name(u));
    }
    for s in [Severity::Info, Severity::Warning, Severity::Error] {
        assert_eq!(s.as_str(), serde_name(s));
    }
}
