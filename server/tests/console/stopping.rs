//! A graceful stop ends the console's background work (schedule worker, directory sync,
//! session clean-up, checkpoints, bulk jobs): nothing it spawned runs afterwards, so another
//! console may start on the same database without two sets of workers writing to it.

use crate::support::TestConsole;

#[tokio::test]
async fn a_stopped_console_has_no_background_work_left() {
    let console = TestConsole::start_with(|args| args.scheduled_jobs_poll_seconds = 1).await;
    let background = console.background();
    assert!(
        background.running() > 0,
        "the schedule worker and the session clean-up run"
    );
    let dir = console.stop_keeping_files().await;
    // Nothing left can act later: every task it spawned has ended, and a stopped console
    // takes no requests that would spawn more.
    assert_eq!(
        background.running(),
        0,
        "background tasks left after the stop"
    );
    let _ = std::fs::remove_dir_all(dir);
}
