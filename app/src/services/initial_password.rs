//! The first admin's password file, written beside the database at first start, is only
//! needed until that password is replaced: then it is removed, so the folder keeps no
//! credential, stale or not, for whoever reads it later (a backup of the folder, say).

use std::path::Path;

/// Removes `path` if it holds `replaced`, the password just changed. A file holding anything
/// else (another start's password) and anything that is not a regular file are left alone.
pub fn forget_if_replaced(path: &Path, replaced: &str) {
    let regular = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_file());
    if !regular {
        return;
    }
    let holds_it = std::fs::read_to_string(path)
        .is_ok_and(|text| text.trim_end_matches(['\n', '\r']) == replaced);
    if holds_it {
        if let Err(error) = std::fs::remove_file(path) {
            tracing::error!(%error, path = %path.display(), "cannot remove the initial password file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_replaced_password_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("initial-admin-password");
        std::fs::write(&path, "first-password\n").unwrap();
        forget_if_replaced(&path, "another-password");
        assert!(path.exists(), "a file holding another password stays");
        forget_if_replaced(&path, "first-password");
        assert!(!path.exists());
        forget_if_replaced(&path, "first-password");
    }
}
