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

/// Reads a started `arena-server serve`'s standard output (piped) until it prints where it
/// runs: that address (`127.0.0.1:PORT`) and every line printed until then.
pub fn printed_address(child: &mut std::process::Child) -> (String, Vec<String>) {
    use std::io::{BufRead, BufReader};
    let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
    let mut printed = Vec::new();
    loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        printed.push(line.clone());
        if let Some(rest) = line.split("running at http://").nth(1) {
            let address = rest.split_whitespace().next().unwrap().to_owned();
            return (address, printed);
        }
    }
}
