//! Every file the console creates is private to its user: the database and SQLite's `-wal` and
//! `-shm` beside it (they hold the same data: sessions, password hashes, the audit log),
//! backups written by `VACUUM INTO`, the first admin's password. SQLite creates its files with
//! mode 0644 less the umask, so the umask is the one place that covers them all.

/// Sets the process's umask to 077 (new files 0600, new folders 0700). Called first thing in
/// `main`, before any thread or file exists.
pub fn restrict_new_files() {
    #[cfg(unix)]
    // SAFETY: umask only swaps the process's file-creation mask; it touches no memory.
    unsafe {
        libc::umask(0o077);
    }
}
