//! Pause points for the reliability tests: with `SYSREBUILD_TEST_PAUSE=POINT:MILLIS` in
//! the environment, reaching the named point prints `sysrebuild: paused at POINT` on
//! stderr and sleeps that long, so that a test can kill the process, or run another one,
//! at a precise moment (e.g. in the middle of a registration). Without the variable,
//! [`pause`] does nothing.
//!
//! Points: `register` (inside the transaction registering build outputs, before it
//! commits), `gc-before-delete` (a collection holding `gc.lock` and serving its roots
//! socket has read the roots files and chosen the dead paths, before it deletes any), `build-output-written` (a build's outputs are in place in
//! the store, before they are hashed and registered).

use std::io::Write;
use std::time::Duration;

/// Pauses if the environment asks for a pause at `point`.
pub fn pause(point: &str) {
    let Ok(spec) = std::env::var("SYSREBUILD_TEST_PAUSE") else {
        return;
    };
    let Some((name, millis)) = spec.split_once(':') else {
        return;
    };
    if name != point {
        return;
    }
    let Ok(millis) = millis.parse::<u64>() else {
        return;
    };
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "sysrebuild: paused at {point}");
    let _ = err.flush();
    drop(err);
    std::thread::sleep(Duration::from_millis(millis));
}
