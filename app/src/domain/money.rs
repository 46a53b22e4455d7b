use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount in US cents. SendGrid sends package prices as decimal numbers (API.md §4.3);
/// they become cents once, so comparisons and estimates never meet floating-point dust.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Cents(pub i64);

impl Cents {
    pub fn from_dollars(dollars: f64) -> Cents {
        Cents((dollars * 100.0).round() as i64)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}${}.{:02}", group_thousands(abs / 100), abs % 100)
    }
}

/// A whole number with thousands separators: "1,234,567".
pub fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_become_exact_cents() {
        assert_eq!(Cents::from_dollars(79.95), Cents(7995));
        assert_eq!(Cents::from_dollars(9.95), Cents(995));
        assert_eq!(Cents::from_dollars(0.0), Cents(0));
    }

    #[test]
    fn prints_as_dollars() {
        assert_eq!(Cents(7995).to_string(), "$79.95");
        assert_eq!(Cents(5).to_string(), "$0.05");
        assert_eq!(Cents(123_456_789).to_string(), "$1,234,567.89");
        assert_eq!(Cents(-250).to_string(), "-$2.50");
    }
}
