//! TLS for every HTTP client the server makes: rustls on the `ring`
//! crypto provider, the one home of that choice.
//!
//! reqwest's default provider is aws-lc-rs, whose `aws-lc-sys` compiles a
//! large C library (and wants cmake-like tooling) on every clean build; ring
//! is smaller and builds with the C compiler every machine has, and serves a
//! client that talks HTTPS to one ConnectWise host just as well. reqwest is
//! built without a provider (`rustls-no-provider`), so a client built before
//! [`install`] would panic: every client is built here.

use std::sync::Once;

/// Makes ring the process's rustls provider (once; a provider another part
/// of the process installed first is kept).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The crypto provider itself, for TLS configured by hand (the store's
/// connections to PostgreSQL, `store::tls`).
pub fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::ring::default_provider())
}

/// A client builder with the provider in place.
pub fn client_builder() -> reqwest::ClientBuilder {
    install();
    reqwest::Client::builder()
}

/// A client with reqwest's defaults (health checks, the simulator's tests).
pub fn client() -> reqwest::Client {
    client_builder().build().expect("a default HTTP client builds")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_provider_is_ring() {
        super::install();
        let provider = rustls::crypto::CryptoProvider::get_default().expect("installed");
        let ring = rustls::crypto::ring::default_provider();
        assert_eq!(provider.cipher_suites.len(), ring.cipher_suites.len());
        assert!(
            provider
                .cipher_suites
                .iter()
                .zip(&ring.cipher_suites)
                .all(|(a, b)| a.suite() == b.suite())
        );
    }
}
