//! The three names of a customer, each its own type so one cannot be passed for another: the
//! page key the console's URLs and audit rows use, the v2 username (API.md §2, `user`), and the
//! v3 account id (API.md §5).

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! name {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// As typed or stored, without the spaces around it.
            pub fn new(value: impl AsRef<str>) -> $name {
                $name(value.as_ref().trim().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        // Read as the text it is, where SendGrid's client and the database take text.
        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                name.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

name!(
    /// What `/customers/:key` names: the v2 username, or the v3 account id of an account with
    /// none; the audit log files changes under it.
    CustomerKey
);
name!(
    /// A v2 customer's or subuser's username, which the v2 reseller API names them by.
    Username
);
name!(
    /// A v3 account id, which the v3 account API names accounts by.
    AccountId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_serialize_as_plain_strings() {
        let user = Username::new("  acme-co ");
        assert_eq!(user.as_str(), "acme-co");
        assert_eq!(serde_json::to_string(&user).unwrap(), "\"acme-co\"");
        let id: AccountId = serde_json::from_str("\"acc_1\"").unwrap();
        assert_eq!(id, "acc_1");
        assert_eq!(CustomerKey::new("x").to_string(), "x");
    }
}
