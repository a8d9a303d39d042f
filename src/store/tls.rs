//! TLS to PostgreSQL, with libpq's settings and their meanings, so that a
//! connection string copied from a provider or from psql
//! (`?sslmode=require`, `?sslmode=verify-full&sslrootcert=/etc/ssl/rds.pem`)
//! means here what it means there:
//!
//! | `sslmode` | encrypted | the server's certificate is checked |
//! |---|---|---|
//! | `disable` | never | – |
//! | `allow`, `prefer` (the default) | when the server offers it | against `sslrootcert` if given (not its name) |
//! | `require` | always, or no connection | as `prefer` |
//! | `verify-ca` | always | chained to `sslrootcert` (default `~/.postgresql/root.crt`) |
//! | `verify-full` | always | chained, and issued to the host in the URL |
//!
//! `sslrootcert=system` trusts the system's roots (as the HTTPS client
//! does) and, as in libpq, only with `verify-full`; `sslcert` and `sslkey`
//! give a client certificate. On a Unix socket, where PostgreSQL offers no
//! TLS, none of this applies (as in libpq). Two readings differ from libpq's, each the
//! stricter: `allow` tries TLS first (tokio-postgres has no plain-first
//! mode), and a `sslcert` without its `sslkey` is an error rather than
//! skipped. Settings are read once, when the store is opened: a file that
//! cannot be read stops the start with its name, not the first call.
//!
//! The driver is tokio-postgres; the TLS glue (and channel binding, so a
//! `SCRAM-SHA-256-PLUS` sign-in is bound to the TLS session) is
//! tokio-postgres-rustls, on the crypto provider of [`crate::client::tls`].

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientConfig, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_postgres::config::SslMode;
pub use tokio_postgres_rustls::MakeRustlsConnect;

/// The URL's TLS settings, taken out of it (tokio-postgres knows only
/// three `sslmode`s and none of the files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    pub mode: Mode,
    /// `sslrootcert`: a PEM file of trusted CAs, or `system`.
    pub root_cert: Option<String>,
    /// `sslcert` and `sslkey`: a client certificate and its key.
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

/// libpq's `sslmode`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(value: &str) -> Result<Mode, String> {
        Ok(match value {
            "disable" => Mode::Disable,
            "allow" => Mode::Allow,
            "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            other => {
                return Err(format!(
                    "database_url: sslmode={other} is not one of disable, allow, prefer, require, \
                     verify-ca, verify-full"
                ));
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Disable => "disable",
            Mode::Allow => "allow",
            Mode::Prefer => "prefer",
            Mode::Require => "require",
            Mode::VerifyCa => "verify-ca",
            Mode::VerifyFull => "verify-full",
        }
    }

    /// What tokio-postgres does at connection: never, try, or insist.
    pub fn driver(self) -> SslMode {
        match self {
            Mode::Disable => SslMode::Disable,
            Mode::Allow | Mode::Prefer => SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
        }
    }
}

/// The query parameters read here (and removed before tokio-postgres
/// parses the URL).
const OURS: [&str; 4] = ["sslmode", "sslrootcert", "sslcert", "sslkey"];

/// Splits `url` into the URL tokio-postgres reads (the other parameters
/// kept byte for byte) and its TLS settings. Errors name the parameter
/// and never quote the URL (it may hold a password).
pub fn split(url: &str) -> Result<(String, TlsSettings), String> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, query),
        None => (url, ""),
    };
    let mut kept = Vec::new();
    let mut found: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key);
        if OURS.contains(&key.as_str()) {
            found.push((key, decode(value)));
        } else {
            kept.push(pair);
        }
    }
    let setting = |name: &str| {
        found
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mode = setting("sslmode").map_or(Ok(Mode::Prefer), |m| Mode::parse(&m))?;
    let root_cert = setting("sslrootcert").filter(|v| !v.is_empty());
    if root_cert.as_deref() == Some("system") && mode != Mode::VerifyFull && mode != Mode::Disable {
        return Err(format!(
            "database_url: sslrootcert=system needs sslmode=verify-full (a system-trusted \
             certificate says little unless it is issued to the host), not sslmode={}",
            mode.as_str()
        ));
    }
    let client_cert = match (setting("sslcert"), setting("sslkey")) {
        (None, None) => None,
        (Some(cert), Some(key)) if !cert.is_empty() && !key.is_empty() => Some((cert.into(), key.into())),
        _ => {
            return Err(
                "database_url: sslcert and sslkey go together (a client certificate and its key)".into(),
            );
        }
    };
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((
        rest,
        TlsSettings {
            mode,
            root_cert,
            client_cert,
        },
    ))
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

impl TlsSettings {
    /// No TLS (a Unix socket, where PostgreSQL offers none).
    pub fn disabled() -> TlsSettings {
        TlsSettings {
            mode: Mode::Disable,
            root_cert: None,
            client_cert: None,
        }
    }

    /// The connector for these settings, its files read now.
    pub fn connector(&self) -> Result<MakeRustlsConnect, String> {
        let provider = crate::client::tls::provider();
        let verifier = self.verifier(&provider)?;
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("database_url: TLS: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut config = match &self.client_cert {
            None => builder.with_no_client_auth(),
            Some((cert, key)) => {
                let chain = certificates(cert, "sslcert")?;
                let key = PrivateKeyDer::from_pem_file(key)
                    .map_err(|e| format!("database_url: sslkey {}: {e}", key.display()))?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| format!("database_url: sslcert and sslkey: {e}"))?
            }
        };
        // PostgreSQL 17 checks the protocol a client names; older servers ignore it.
        config.alpn_protocols = vec![b"postgresql".to_vec()];
        Ok(MakeRustlsConnect::new(config))
    }

    /// How the server's certificate is checked, in words (for `doctor`).
    pub fn check(&self) -> String {
        let mode = self.mode.as_str();
        match (self.root_cert.as_deref(), self.mode) {
            (_, Mode::VerifyFull) => format!("certificate and host name checked (sslmode={mode})"),
            (Some(_), _) | (None, Mode::VerifyCa) => {
                format!("certificate checked against sslrootcert, not its name (sslmode={mode})")
            }
            (None, _) => format!("certificate not checked (sslmode={mode}; verify-full checks it)"),
        }
    }

    /// How the server's certificate is checked (the table in the module doc).
    fn verifier(&self, provider: &Arc<CryptoProvider>) -> Result<Arc<dyn ServerCertVerifier>, String> {
        if self.root_cert.as_deref() == Some("system") {
            let system = rustls_platform_verifier::Verifier::new(provider.clone())
                .map_err(|e| format!("database_url: sslrootcert=system: {e}"))?;
            return Ok(Arc::new(system));
        }
        let roots = match (&self.root_cert, self.mode) {
            (Some(file), _) => Some(roots(Path::new(file))?),
            (None, Mode::VerifyCa | Mode::VerifyFull) => Some(roots(&default_root_cert()?)?),
            (None, _) => None,
        };
        let chain = match roots {
            Some(roots) => Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| format!("database_url: sslrootcert: {e}"))?,
            ),
            None => None,
        };
        Ok(match (chain, self.mode) {
            (Some(chain), Mode::VerifyFull) => chain,
            (chain, _) => Arc::new(Lenient {
                chain,
                provider: provider.clone(),
            }),
        })
    }
}

/// libpq's default CA file, which `verify-ca` and `verify-full` need when
/// `sslrootcert` is not given.
fn default_root_cert() -> Result<PathBuf, String> {
    let file = std::env::var_os("HOME").map(|home| Path::new(&home).join(".postgresql/root.crt"));
    match file {
        Some(file) if file.is_file() => Ok(file),
        _ => Err(
            "database_url: sslmode=verify-ca and verify-full check the server against \
                  sslrootcert: give a CA file (sslrootcert=/path/ca.pem), or sslrootcert=system \
                  for the system's trusted roots (~/.postgresql/root.crt, libpq's default, is missing)"
                .into(),
        ),
    }
}

/// The certificates of a PEM file, at least one.
fn certificates(file: &Path, setting: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let read = |e: &dyn std::fmt::Display| format!("database_url: {setting} {}: {e}", file.display());
    let certs = CertificateDer::pem_file_iter(file)
        .map_err(|e| read(&e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| read(&e))?;
    if certs.is_empty() {
        return Err(read(&"no certificate in the file (PEM expected)"));
    }
    Ok(certs)
}

fn roots(file: &Path) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    for cert in certificates(file, "sslrootcert")? {
        roots
            .add(cert)
            .map_err(|e| format!("database_url: sslrootcert {}: {e}", file.display()))?;
    }
    Ok(roots)
}

/// The checks weaker than `verify-full`: a certificate chained to the
/// roots and issued to any name (`verify-ca`, and `prefer`/`require` with
/// `sslrootcert`), or, without roots, any certificate (`prefer` and
/// `require`, as in libpq: encrypted against a listener, not against a
/// server that pretends). The handshake's signatures are always checked.
#[derive(Debug)]
struct Lenient {
    chain: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// What a TLS failure asks of the deployer, when the chain of `e` holds one.
pub fn to_fix(e: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    let mut next = Some(e);
    while let Some(e) = next {
        if e.to_string().contains("server does not support TLS") {
            return Some(
                "does not accept TLS, which database_url's sslmode requires; turn ssl on in the \
                 server, or lower sslmode (prefer encrypts when it can)",
            );
        }
        let rustls_error = e.downcast_ref::<rustls::Error>().or_else(|| {
            e.downcast_ref::<std::io::Error>()?
                .get_ref()?
                .downcast_ref::<rustls::Error>()
        });
        if let Some(rustls::Error::InvalidCertificate(_)) = rustls_error {
            return Some(
                "showed a certificate that database_url does not trust; check sslrootcert (the CA that \
                 issued it) and, for sslmode=verify-full, that the URL's host is the name in it",
            );
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> TlsSettings {
        split(url).unwrap().1
    }

    #[test]
    fn the_default_is_prefer_and_the_other_parameters_are_kept_byte_for_byte() {
        let url = "postgres://u:p%40ss@db:5432/cw?application_name=a%20b&sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&options=-c%20x%3D1";
        let (rest, tls) = split(url).unwrap();
        assert_eq!(
            rest,
            "postgres://u:p%40ss@db:5432/cw?application_name=a%20b&options=-c%20x%3D1"
        );
        assert_eq!(tls.mode, Mode::VerifyFull);
        assert_eq!(tls.root_cert.as_deref(), Some("/etc/ca.pem"));
        assert_eq!(split("postgres://db/cw").unwrap().0, "postgres://db/cw");
        assert_eq!(settings("postgres://db/cw").mode, Mode::Prefer);
        assert_eq!(
            split("postgres://db/cw?sslmode=disable").unwrap().0,
            "postgres://db/cw"
        );
    }

    #[test]
    fn each_sslmode_is_libpqs_and_the_driver_tries_or_insists() {
        for (text, mode, driver) in [
            ("disable", Mode::Disable, SslMode::Disable),
            ("allow", Mode::Allow, SslMode::Prefer),
            ("prefer", Mode::Prefer, SslMode::Prefer),
            ("require", Mode::Require, SslMode::Require),
            ("verify-ca", Mode::VerifyCa, SslMode::Require),
            ("verify-full", Mode::VerifyFull, SslMode::Require),
        ] {
            let tls = settings(&format!("postgres://db/cw?sslmode={text}"));
            assert_eq!(
                (tls.mode, tls.mode.driver(), tls.mode.as_str()),
                (mode, driver, text)
            );
        }
    }

    #[test]
    fn a_wrong_setting_is_named_and_the_url_is_not_quoted() {
        let err = split("postgres://u:secretpw@db/cw?sslmode=verify_full").unwrap_err();
        assert!(err.contains("sslmode=verify_full is not one of"), "{err}");
        assert!(!err.contains("secretpw"), "{err}");
        let err = split("postgres://u:secretpw@db/cw?sslmode=require&sslrootcert=system").unwrap_err();
        assert!(
            err.contains("sslrootcert=system needs sslmode=verify-full"),
            "{err}"
        );
        assert!(split("postgres://db/cw?sslmode=verify-full&sslrootcert=system").is_ok());
        let err = split("postgres://db/cw?sslcert=/c.pem").unwrap_err();
        assert!(err.contains("sslcert and sslkey go together"), "{err}");
    }

    #[test]
    fn files_that_cannot_be_read_are_named_when_the_connector_is_made() {
        let tls = settings("postgres://db/cw?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem");
        let err = tls.connector().err().unwrap();
        assert!(err.contains("sslrootcert /nonexistent/ca.pem"), "{err}");
        let not_pem = std::env::temp_dir().join(format!("cw-not-pem-{}.txt", std::process::id()));
        std::fs::write(&not_pem, "not a certificate").unwrap();
        let tls = settings(&format!(
            "postgres://db/cw?sslmode=require&sslrootcert={}",
            not_pem.display()
        ));
        let err = tls.connector().err().unwrap();
        assert!(err.contains("no certificate in the file"), "{err}");
        let _ = std::fs::remove_file(not_pem);
        // Without sslrootcert, prefer and require need no file; system roots load.
        assert!(settings("postgres://db/cw?sslmode=require").connector().is_ok());
        assert!(
            settings("postgres://db/cw?sslmode=verify-full&sslrootcert=system")
                .connector()
                .is_ok()
        );
    }
}
