//! Authority as a value (after lldap's `access_control.rs`): the guard answers with a
//! capability for what the operator may do, and each service that changes something takes the
//! one it needs. A capability is made only here, after the role check, so a server function
//! that skipped the check has nothing to hand the service and does not compile.

use std::fmt;

use super::{check, AuthError, CurrentOperator};
use crate::domain::{Permission, Role};

/// May change customers' accounts: plan, limits, offerings, state, bulk changes, settling an
/// unknown outcome, signing in to SendGrid as the customer (managers and admins).
#[derive(Clone)]
pub struct Manager {
    email: String,
    role: Role,
    /// Set only while a change another operator asked for is made on this one's approval.
    approving: Option<Approving>,
}

/// A change held for a second person, being made on their approval: whose request it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approving {
    pub request_id: i64,
    pub requested_by: String,
}

/// May read the whole audit log and export it (auditors, managers, admins).
#[derive(Clone)]
pub struct Auditor {
    email: String,
}

/// May manage operators, link customers by hand and see the settings (admins).
#[derive(Clone)]
pub struct Admin {
    email: String,
}

impl Manager {
    pub fn of(current: &CurrentOperator) -> Result<Manager, AuthError> {
        check(current, Permission::ChangeAccounts).map(|operator| Manager {
            email: operator.email,
            role: operator.role,
            approving: None,
        })
    }

    /// Who acts, as the audit log names them.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// Admins set the approval policy; their own changes are not held by it.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The request this change is made for, when it is made on approval.
    pub fn approving(&self) -> Option<&Approving> {
        self.approving.as_ref()
    }

    /// This approver, making the change of `request_id` that `requested_by` asked for. Made
    /// only by the approval service, after it recorded the approval.
    pub(in crate::services) fn on_approval(&self, request_id: i64, requested_by: &str) -> Manager {
        Manager {
            approving: Some(Approving {
                request_id,
                requested_by: requested_by.to_string(),
            }),
            ..self.clone()
        }
    }
}

impl Auditor {
    pub fn of(current: &CurrentOperator) -> Result<Auditor, AuthError> {
        check(current, Permission::ReadAudit).map(|operator| Auditor {
            email: operator.email,
        })
    }

    pub fn email(&self) -> &str {
        &self.email
    }
}

impl Admin {
    pub fn of(current: &CurrentOperator) -> Result<Admin, AuthError> {
        check(current, Permission::ManageOperators).map(|operator| Admin {
            email: operator.email,
        })
    }

    /// The console's host acting for itself: the command line and the first start, run by
    /// whoever can already read and write the database file. `actor` is how the audit log
    /// names them (`cli`, `system`).
    pub fn local(actor: &str) -> Admin {
        Admin {
            email: actor.to_string(),
        }
    }

    pub fn email(&self) -> &str {
        &self.email
    }
}

// Logged by `tracing::instrument` on the services that take them: the operator, nothing more.
macro_rules! debug_as_email {
    ($($capability:ident),*) => {$(
        impl fmt::Debug for $capability {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($capability), self.email)
            }
        }
    )*};
}
debug_as_email!(Manager, Auditor, Admin);
