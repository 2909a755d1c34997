//! A throw-away PostgreSQL cluster for the tests: Debian's server binaries (`initdb`, `pg_ctl`),
//! started once per test process on a free loopback port with its own socket folder, as the
//! `postgres` user when the tests run as root, and stopped and removed by a watchdog when the
//! test process ends. Each test gets a database of its own. No Docker, no server to install by
//! hand: `scripts/bootstrap.sh --for-tests` installs the `postgresql` package when it is missing.
//! If the cluster cannot start, the test fails and says why; it never skips.
// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub struct Cluster {
    pub port: u16,
    bin: PathBuf,
    data: PathBuf,
    dir: PathBuf,
}

impl Cluster {
    fn pg_ctl(&self, args: &[&str]) -> Result<(), String> {
        let mut c = as_server_user(&self.bin.join("pg_ctl"));
        c.arg("-D").arg(&self.data).args(args);
        run(c, "pg_ctl")
    }

    /// Stops the cluster the hard way (`pg_ctl -m immediate`: like a crash, no checkpoint),
    /// then starts it again; PostgreSQL recovers from its write-ahead log.
    pub fn crash_and_restart(&self) {
        self.pg_ctl(&["-m", "immediate", "-w", "stop"]).unwrap();
        self.start_server().unwrap();
    }

    fn start_server(&self) -> Result<(), String> {
        let mut pg_ctl = as_server_user(&self.bin.join("pg_ctl"));
        pg_ctl
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(self.dir.join("log"))
            .arg("-o")
            .arg(format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
                self.port,
                self.dir.display()
            ))
            .args(["-w", "start"]);
        run(pg_ctl, "pg_ctl start").map_err(|e| {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            format!("{e}\n{log}")
        })
    }
}

fn bin_dir() -> Result<PathBuf, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| "PostgreSQL's server binaries are not installed (/usr/lib/postgresql is missing); run scripts/bootstrap.sh --for-tests".to_owned())?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    found.sort();
    found
        .pop()
        .ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin".to_owned())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `program args...`, as the `postgres` user when we are root (PostgreSQL refuses to run as root).
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut command: Command, what: &str) -> Result<(), String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// A cluster of its own (the crash test stops and restarts it).
pub fn start_own() -> Cluster {
    start(&format!("own-{}", rand::random::<u32>())).unwrap_or_else(|e| {
        panic!("cannot start a throw-away PostgreSQL cluster for the tests: {e}")
    })
}

fn start(name: &str) -> Result<Cluster, String> {
    let bin = bin_dir()?;
    let dir = std::env::temp_dir().join(format!("arena-pg-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if is_root() {
        run(
            {
                let mut c = Command::new("chown");
                c.args(["postgres:postgres"]).arg(&dir);
                c
            },
            "chown",
        )?;
    }
    let data = dir.join("data");
    let mut initdb = as_server_user(&bin.join("initdb"));
    initdb.arg("-D").arg(&data).args([
        "-U",
        "postgres",
        "-A",
        "trust",
        "--locale=C",
        "-E",
        "UTF8",
        "--no-sync",
    ]);
    run(initdb, "initdb")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let cluster = Cluster {
        port,
        bin: bin.clone(),
        data: data.clone(),
        dir: dir.clone(),
    };
    cluster.start_server()?;
    // Stop and remove the cluster when this test process is gone, however it ends (`kill -0`
    // would not do: the server user may not signal a process of root's).
    let watchdog = format!(
        "while [ -d /proc/{pid} ]; do sleep 1; done; \
         '{pg_ctl}' -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    let mut sh = as_server_user(Path::new("/bin/sh"));
    sh.args(["-c", &watchdog])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the cluster's watchdog: {e}"))?;
    Ok(cluster)
}

/// The cluster of this test process, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
    match CLUSTER.get_or_init(|| start("shared")) {
        Ok(c) => c,
        Err(e) => panic!("cannot start a throw-away PostgreSQL cluster for the tests: {e}"),
    }
}

/// A new, empty database in the shared cluster; its URL.
pub async fn fresh_database() -> String {
    fresh_database_in(cluster()).await
}

/// A new, empty database in `cluster`; its URL.
pub async fn fresh_database_in(cluster: &Cluster) -> String {
    let port = cluster.port;
    let name = format!("arena_{}", hex::encode(rand::random::<[u8; 8]>()));
    let admin = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test cluster at {admin}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    format!("postgres://postgres@127.0.0.1:{port}/{name}")
}
