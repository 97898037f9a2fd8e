//! The VM test driver: boots test nodes in QEMU, talks to them through a backdoor root
//! shell on a virtio console and the QEMU monitor, connects them on a private network, and
//! runs test scripts against them.
//!
//! `machine.rs` is one VM; `shell.rs` the backdoor protocol; `monitor.rs` QMP;
//! `network.rs` the hub joining the VMs; `screenshot.rs` PPM to PNG; `script.rs` the test
//! script language; `driver.rs` a whole test (nodes, global timeout, failure reports);
//! `cpio.rs` writes initramfs archives.

pub mod cpio;
pub mod driver;
pub mod error;
pub mod kvm_probe;
pub mod machine;
pub mod monitor;
pub mod network;
pub mod screenshot;
pub mod script;
pub mod shell;

pub use error::VmError;
pub use machine::{Accel, Machine, MachineConfig, NodeStart};
