//! The private network between a test's VMs: a hub in the driver that QEMU's
//! `-netdev socket,connect=127.0.0.1:PORT` backends join. Every Ethernet frame one VM sends
//! (a 4-byte big-endian length, then the frame) is copied to every other VM. Listening on an
//! ephemeral port of 127.0.0.1 keeps concurrent tests on separate networks and needs no
//! multicast route.
//!
//! Node N (1-based, in the order of the test's node names) gets MAC `52:54:00:12:01:NN`
//! and address `192.168.1.N/24`.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A running hub; it lives as long as the process (its threads end with their sockets).
pub struct Hub {
    addr: SocketAddr,
}

type Peers = Arc<Mutex<Vec<(usize, TcpStream)>>>;

impl Hub {
    /// Starts a hub on an ephemeral port of 127.0.0.1.
    pub fn start() -> std::io::Result<Hub> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let peers: Peers = Arc::default();
        std::thread::spawn(move || accept_loop(listener, peers));
        Ok(Hub { addr })
    }

    /// The address QEMU connects to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

fn accept_loop(listener: TcpListener, peers: Peers) {
    for (id, stream) in listener.incoming().enumerate() {
        let Ok(stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        let Ok(writer) = stream.try_clone() else {
            continue;
        };
        if let Ok(mut list) = peers.lock() {
            list.push((id, writer));
        }
        let peers = peers.clone();
        std::thread::spawn(move || forward(id, stream, peers));
    }
}

/// Copies every frame from peer `id` to all the others; drops the peer when it goes away.
fn forward(id: usize, mut stream: TcpStream, peers: Peers) {
    let mut frame = Vec::new();
    loop {
        let mut len = [0u8; 4];
        if stream.read_exact(&mut len).is_err() {
            break;
        }
        let n = u32::from_be_bytes(len) as usize;
        if n > 65536 + 4 {
            break;
        }
        frame.resize(n, 0);
        if stream.read_exact(&mut frame).is_err() {
            break;
        }
        let Ok(mut list) = peers.lock() else { break };
        for (other, out) in list.iter_mut() {
            if *other != id {
                // A peer that cannot take the frame loses it, as on a real wire.
                let _ = out.write_all(&len).and_then(|()| out.write_all(&frame));
            }
        }
    }
    if let Ok(mut list) = peers.lock() {
        list.retain(|(other, _)| *other != id);
    }
}

/// The MAC address of node `index` (1-based).
pub fn mac_address(index: usize) -> String {
    format!("52:54:00:12:01:{:02x}", index)
}

/// The IPv4 address of node `index` (1-based) on the test network.
pub fn ip_address(index: usize) -> String {
    format!("192.168.1.{index}")
}

/// The kernel parameters telling a test VM its own address and its peers' names:
/// `sysrebuild.vm.ip=192.168.1.N/24 sysrebuild.vm.hosts=192.168.1.1=a,192.168.1.2=b`.
pub fn kernel_params(index: usize, nodes: &[String]) -> String {
    let hosts: Vec<String> = nodes
        .iter()
        .enumerate()
        .map(|(i, name)| format!("{}={name}", ip_address(i + 1)))
        .collect();
    format!(
        "sysrebuild.vm.ip={}/24 sysrebuild.vm.hosts={}",
        ip_address(index),
        hosts.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn frame(data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(data);
        v
    }

    #[test]
    fn frames_reach_every_other_peer_and_not_the_sender() {
        let hub = Hub::start().unwrap();
        let mut a = TcpStream::connect(hub.addr()).unwrap();
        let mut b = TcpStream::connect(hub.addr()).unwrap();
        let mut c = TcpStream::connect(hub.addr()).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        a.write_all(&frame(b"hello")).unwrap();
        for peer in [&mut b, &mut c] {
            peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut got = [0u8; 9];
            peer.read_exact(&mut got).unwrap();
            assert_eq!(&got[..], &frame(b"hello")[..]);
        }
        a.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut none = [0u8; 1];
        assert!(a.read(&mut none).is_err());
    }

    #[test]
    fn addresses_and_kernel_params() {
        assert_eq!(mac_address(2), "52:54:00:12:01:02");
        let nodes = vec!["server".to_owned(), "client".to_owned()];
        assert_eq!(
            kernel_params(2, &nodes),
            "sysrebuild.vm.ip=192.168.1.2/24 \
             sysrebuild.vm.hosts=192.168.1.1=server,192.168.1.2=client"
        );
    }
}
