//! One module per screen.

pub mod account;
mod home;
mod login;
mod not_found;
mod operators;

pub use account::ChangePasswordPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use operators::OperatorsPage;
