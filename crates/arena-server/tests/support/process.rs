//! The real `arena-server` binary as a test runs it, and what such tests share.
// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use std::process::Command;

pub fn arena_server() -> Command {
    Command::new(env!("CARGO_BIN_EXE_arena-server"))
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
