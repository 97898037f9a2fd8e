//! The collector's roots socket (`<state>/gc-socket/socket`), Nix 2.8's protocol: while a
//! collection runs, a process that wants a new temporary root connects, writes the store
//! path and a newline, and waits for the byte `1`. The collector keeps such a path (and
//! what it refers to), and if the path is being deleted at that moment, answers only
//! once the deletion is over (so the client then finds it invalid and makes it again).
//!
//! [`RootsServer`] is the collector's side, [`RootsClient`] the side of a process
//! adding a root (see [`super::temproots`]).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use super::error::{LocalStoreError, io_error};
use super::layout::StoreLayout;
use crate::store::path::{StoreDir, StorePath};

/// The socket's location in a store.
pub fn socket_path(layout: &StoreLayout) -> PathBuf {
    layout.state_dir().join("gc-socket").join("socket")
}

/// Why announcing a root did not work.
#[derive(Debug)]
pub enum AnnounceError {
    /// No collector is listening (any more): check `gc.lock` again.
    Retry,
    /// Something else failed.
    Failed(LocalStoreError),
}

/// A connection to a running collector.
#[derive(Debug)]
pub struct RootsClient {
    stream: UnixStream,
    path: PathBuf,
}

impl RootsClient {
    /// Connects to the collector of the store laid out as `layout`.
    pub fn connect(layout: &StoreLayout) -> Result<RootsClient, AnnounceError> {
        let path = socket_path(layout);
        match UnixStream::connect(&path) {
            Ok(stream) => Ok(RootsClient { stream, path }),
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionRefused | ErrorKind::NotFound) => {
                Err(AnnounceError::Retry)
            }
            Err(e) => Err(AnnounceError::Failed(io_error("connecting to", &path)(e))),
        }
    }

    /// Tells the collector about `root` (a logical store path) and waits for its answer.
    pub fn announce(&mut self, root: &str) -> Result<(), AnnounceError> {
        let mut answer = [0u8; 1];
        let result = self
            .stream
            .write_all(format!("{root}\n").as_bytes())
            .and_then(|()| self.stream.read_exact(&mut answer));
        match result {
            Ok(()) if answer[0] == b'1' => Ok(()),
            Ok(()) => Err(AnnounceError::Failed(io_error("reading from", &self.path)(
                std::io::Error::other(format!(
                    "unexpected answer {:?} from the garbage collector",
                    answer[0] as char
                )),
            ))),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::UnexpectedEof
                ) =>
            {
                Err(AnnounceError::Retry)
            }
            Err(e) => Err(AnnounceError::Failed(io_error("writing to", &self.path)(e))),
        }
    }
}

#[derive(Default)]
struct State {
    /// Hash parts of the roots clients announced.
    roots: HashSet<String>,
    /// Hash parts of the paths being deleted right now.
    pending: HashSet<String>,
    /// Connections, to shut down when the collection ends.
    clients: Vec<UnixStream>,
    handlers: Vec<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    deletion_done: Condvar,
    stop: AtomicBool,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The collector's side: serves the socket on a thread for as long as it lives.
pub struct RootsServer {
    shared: Arc<Shared>,
    path: PathBuf,
    acceptor: Option<JoinHandle<()>>,
}

impl RootsServer {
    /// Starts serving `gc-socket/socket` (replacing a stale socket file). Call it with
    /// `gc.lock` held exclusively.
    pub fn start(layout: &StoreLayout) -> Result<RootsServer, LocalStoreError> {
        let path = socket_path(layout);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_error("creating directory", dir))?;
        }
        let _ = std::fs::remove_file(&path);
        let listener = UnixListener::bind(&path).map_err(io_error("listening on", &path))?;
        listener
            .set_nonblocking(true)
            .map_err(io_error("listening on", &path))?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            deletion_done: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let store_dir = layout.store_dir().clone();
        let for_thread = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name("gc-roots-server".into())
            .spawn(move || accept_loop(&listener, &for_thread, &store_dir))
            .map_err(io_error("starting a thread to serve", &path))?;
        Ok(RootsServer {
            shared,
            path,
            acceptor: Some(acceptor),
        })
    }

    /// Whether a client announced `path` as a root.
    pub fn is_rooted(&self, path: &StorePath) -> bool {
        self.shared.state().roots.contains(path.hash_part())
    }

    /// Goes through `paths` in order (referrers before references): a path a client
    /// announced, or one in `keep`, is kept and its references (from `references`) are
    /// added to `keep`; every other path is marked as being deleted and returned. A
    /// client announcing a marked path waits until [`RootsServer::end_deletion`].
    pub fn begin_deletion(
        &self,
        paths: &[StorePath],
        keep: &mut HashSet<StorePath>,
        references: &mut dyn FnMut(&StorePath) -> Vec<StorePath>,
    ) -> Vec<StorePath> {
        let mut state = self.shared.state();
        let mut deletable = Vec::new();
        for p in paths {
            if keep.contains(p) || state.roots.contains(p.hash_part()) {
                keep.extend(references(p));
                continue;
            }
            state.pending.insert(p.hash_part().to_owned());
            deletable.push(p.clone());
        }
        deletable
    }

    /// The paths marked by [`RootsServer::begin_deletion`] are gone: answer the clients
    /// waiting for them.
    pub fn end_deletion(&self) {
        self.shared.state().pending.clear();
        self.shared.deletion_done.notify_all();
    }
}

impl Drop for RootsServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let _ = std::fs::remove_file(&self.path);
        let (clients, handlers) = {
            let mut state = self.shared.state();
            state.pending.clear();
            (
                std::mem::take(&mut state.clients),
                std::mem::take(&mut state.handlers),
            )
        };
        self.shared.deletion_done.notify_all();
        for c in &clients {
            let _ = c.shutdown(std::net::Shutdown::Both);
        }
        for h in handlers {
            let _ = h.join();
        }
    }
}

fn accept_loop(listener: &UnixListener, shared: &Arc<Shared>, store_dir: &StoreDir) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = stream.set_nonblocking(false);
                let Ok(kept) = stream.try_clone() else {
                    continue;
                };
                let for_thread = Arc::clone(shared);
                let dir = store_dir.clone();
                let handler = std::thread::Builder::new()
                    .name("gc-roots-client".into())
                    .spawn(move || serve_client(stream, &for_thread, &dir));
                let mut state = shared.state();
                state.clients.push(kept);
                if let Ok(h) = handler {
                    state.handlers.push(h);
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

fn serve_client(stream: UnixStream, shared: &Shared, store_dir: &StoreDir) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        match store_dir.parse_path(line.trim_end_matches('\n')) {
            Ok(path) => {
                let hash = path.hash_part().to_owned();
                let mut state = shared.state();
                state.roots.insert(hash.clone());
                while state.pending.contains(&hash) && !shared.stop.load(Ordering::SeqCst) {
                    state = shared
                        .deletion_done
                        .wait(state)
                        .unwrap_or_else(|e| e.into_inner());
                }
            }
            Err(_) => eprintln!(
                "warning: the garbage collector received '{}' instead of a store path",
                line.trim_end()
            ),
        }
        if writer.write_all(b"1").is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announced_roots_are_kept_with_their_references() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let layout = StoreLayout::relocated(tmp.path());
        let server = RootsServer::start(&layout).expect("server");
        let a = StorePath::from_base_name("0c6kzph7l0dcbfmjap64f0czdafn3b7x-a").expect("a");
        let b = StorePath::from_base_name("1c6kzph7l0dcbfmjap64f0czdafn3b7x-b").expect("b");
        let c = StorePath::from_base_name("2c6kzph7l0dcbfmjap64f0czdafn3b7x-c").expect("c");
        let mut client = RootsClient::connect(&layout).expect("connect");
        client
            .announce(&layout.store_dir().display(&a))
            .expect("announce");
        assert!(server.is_rooted(&a));
        let mut keep = HashSet::new();
        let refs_of_a = b.clone();
        let deletable =
            server.begin_deletion(&[a.clone(), b.clone(), c.clone()], &mut keep, &mut |p| {
                if *p == a {
                    vec![refs_of_a.clone()]
                } else {
                    vec![]
                }
            });
        assert_eq!(deletable, vec![c.clone()]);
        // A client announcing a path being deleted is answered once it is gone.
        let shown_c = layout.store_dir().display(&c);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                let mut second = RootsClient::connect(&layout).expect("connect");
                second.announce(&shown_c).is_ok()
            });
            std::thread::sleep(Duration::from_millis(100));
            assert!(!waiter.is_finished(), "answered during the deletion");
            server.end_deletion();
            assert!(waiter.join().unwrap_or(false));
        });
        drop(server);
        assert!(!socket_path(&layout).exists());
        assert!(matches!(
            client.announce(&layout.store_dir().display(&a)),
            Err(AnnounceError::Retry)
        ));
    }
}
