//! The demo's tenant, built on first use.
//!
//! Building the seed tenant takes a few hundred milliseconds and tens of
//! megabytes; a client that starts `--demo` only to list the tools (every MCP
//! client does, at start-up) should pay neither. A [`LazySimulator`] binds
//! its port at once, so the client can be configured with the site, and
//! builds the tenant when the first connection arrives: that connection waits
//! in the listener's backlog and is served as soon as the tenant is ready.

use super::{SimOptions, Simulator};
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A simulator whose tenant is built when it is first asked. Dropping it
/// stops it (built or not).
pub struct LazySimulator {
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl LazySimulator {
    /// Binds 127.0.0.1 on an ephemeral port; builds nothing yet.
    pub async fn start(options: SimOptions) -> std::io::Result<LazySimulator> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(build_on_first_connection(options, listener, stopped));
        Ok(LazySimulator { addr, _stop: stop })
    }

    /// The site to configure a client with, as [`Simulator::site`].
    pub fn site(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Waits for the first connection (or the stop), builds the tenant, serves
/// it until stopped.
async fn build_on_first_connection(
    options: SimOptions,
    listener: TcpListener,
    stopped: oneshot::Receiver<()>,
) {
    let mut stopped = stopped;
    let first = tokio::select! {
        _ = &mut stopped => return,
        accepted = listener.accept() => accepted,
    };
    let Ok(first) = first else {
        return;
    };
    let listener = FirstThenRest {
        first: Some(first),
        rest: listener,
    };
    // Dropping the simulator stops it: keep it until told to stop.
    if let Ok(_sim) = Simulator::serve_on(options, listener).await {
        let _ = stopped.await;
    }
}

/// A listener that hands out an already accepted connection before
/// accepting more.
struct FirstThenRest {
    first: Option<(TcpStream, SocketAddr)>,
    rest: TcpListener,
}

impl axum::serve::Listener for FirstThenRest {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        match self.first.take() {
            Some(first) => first,
            None => axum::serve::Listener::accept(&mut self.rest).await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.rest.local_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_tenant_is_built_on_the_first_request_and_serves_it() {
        let sim = LazySimulator::start(SimOptions::default()).await.unwrap();
        let url = format!("{}{}/system/info", sim.site(), crate::spec::API_ROOT);
        let answer = crate::client::tls::client()
            .get(url)
            .basic_auth(
                format!("{}+{}", crate::sim::DEMO_COMPANY_ID, crate::sim::DEMO_PUBLIC_KEY),
                Some(crate::sim::DEMO_PRIVATE_KEY),
            )
            .header("clientId", crate::sim::DEMO_CLIENT_ID)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let info: serde_json::Value = answer.json().await.unwrap();
        assert!(info["version"].is_string(), "{info}");
    }
}
