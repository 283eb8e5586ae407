//! Roll-up: counts of statuses over a group (section, chapter, unit, county) and the group's
//! colour: grey without data, blue when all with data are achieved, red when a quarter or more
//! of those with data are red, amber when a quarter or more are amber or red, else green.

use serde::Serialize;

use super::{Rag, Status};

/// Statuses counted by colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    /// Achieved.
    pub achieved: usize,
    /// Green.
    pub green: usize,
    /// Amber.
    pub amber: usize,
    /// Red.
    pub red: usize,
    /// No data.
    pub no_data: usize,
}

impl Counts {
    /// Counts one more status.
    pub fn add(&mut self, status: Status) {
        match status.rag() {
            Rag::Achieved => self.achieved += 1,
            Rag::Green => self.green += 1,
            Rag::Amber => self.amber += 1,
            Rag::Red => self.red += 1,
            Rag::NoData => self.no_data += 1,
        }
    }

    /// Adds another group's counts.
    pub fn merge(&mut self, other: &Self) {
        self.achieved += other.achieved;
        self.green += other.green;
        self.amber += other.amber;
        self.red += other.red;
        self.no_data += other.no_data;
    }

    /// Everything counted.
    pub fn total(&self) -> usize {
        self.achieved + self.green + self.amber + self.red + self.no_data
    }

    /// The group's colour.
    pub fn rag(&self) -> Rag {
        let with_data = self.achieved + self.green + self.amber + self.red;
        if with_data == 0 {
            Rag::NoData
        } else if self.achieved == with_data {
            Rag::Achieved
        } else if self.red * 4 >= with_data {
            Rag::Red
        } else if (self.red + self.amber) * 4 >= with_data {
            Rag::Amber
        } else {
            Rag::Green
        }
    }
}

impl FromIterator<Status> for Counts {
    fn from_iter<I: IntoIterator<Item = Status>>(iter: I) -> Self {
        let mut c = Self::default();
        for s in iter {
            c.add(s);
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        let c: Counts = [Status::NoData].into_iter().collect();
        assert_eq!(c.rag(), Rag::NoData);
        let c: Counts = [Status::Achieved, Status::Achieved, Status::NoData]
            .into_iter()
            .collect();
        assert_eq!(c.rag(), Rag::Achieved);
        let c: Counts = [
            Status::OnTrack,
            Status::OnTrack,
            Status::OnTrack,
            Status::Behind,
        ]
        .into_iter()
        .collect();
        assert_eq!(c.rag(), Rag::Red);
        let c: Counts = [Status::OnTrack; 4]
            .into_iter()
            .chain([Status::AtRisk, Status::Moderate])
            .collect();
        assert_eq!(c.rag(), Rag::Amber);
        let c: Counts = [Status::OnTrack; 5]
            .into_iter()
            .chain([Status::AtRisk])
            .collect();
        assert_eq!((c.rag(), c.total()), (Rag::Green, 6));
    }
}
