use serde::{Deserialize, Serialize};

/// What an operator is for. The guard on the server decides with [`Role::allows`]; the UI
/// asks the same question only to hide what would be refused anyway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Manager,
    Support,
    Auditor,
}

/// Something a request wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Look customers up and read plan, limits, offerings and their own history.
    ReadCustomers,
    /// Upgrade, downgrade, close, set limits, offerings, state; run bulk changes.
    ChangeAccounts,
    /// Review the whole audit log and export it.
    ReadAudit,
    /// Add operators, change roles, disable them.
    ManageOperators,
    /// Link or unlink a v2 customer and a v3 account in the directory by hand.
    LinkCustomers,
    /// See the console's settings and check its SendGrid connection.
    ManageSettings,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Support, Role::Auditor];

    pub fn parse(value: &str) -> Option<Role> {
        match value.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "support" => Some(Role::Support),
            "auditor" => Some(Role::Auditor),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Support => "support",
            Role::Auditor => "auditor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Manager => "Account manager",
            Role::Support => "Support desk",
            Role::Auditor => "Auditor",
        }
    }

    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Manager => matches!(permission, ReadCustomers | ChangeAccounts | ReadAudit),
            Role::Support => matches!(permission, ReadCustomers),
            Role::Auditor => matches!(permission, ReadCustomers | ReadAudit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn only_admins_manage_operators() {
        for role in Role::ALL {
            assert_eq!(
                role.allows(ManageOperators),
                role == Role::Admin,
                "{role:?}"
            );
        }
    }

    #[test]
    fn only_managers_and_admins_change_accounts() {
        assert!(Role::Manager.allows(ChangeAccounts));
        assert!(Role::Admin.allows(ChangeAccounts));
        assert!(!Role::Support.allows(ChangeAccounts));
        assert!(!Role::Auditor.allows(ChangeAccounts));
    }

    #[test]
    fn support_reads_customers_but_not_the_audit_log() {
        assert!(Role::Support.allows(ReadCustomers));
        assert!(!Role::Support.allows(ReadAudit));
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse(" Manager "), Some(Role::Manager));
        assert_eq!(Role::parse("root"), None);
    }
}
