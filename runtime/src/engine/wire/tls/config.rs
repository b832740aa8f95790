//! The rustls configuration a connection's TLS settings ask for (root certificates, a
//! client certificate, the certificate checks of each mode), shared by the PostgreSQL and
//! MySQL clients.

use super::*;

/// Whose option names a TLS failure uses: libpq's (`sslmode=verify-full`, `sslrootcert`)
/// or MySQL's clients' (`ssl-mode=VERIFY_IDENTITY`, `ssl-ca`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spelling {
    Libpq,
    Mysql,
}

impl Spelling {
    /// The option naming the CA certificates.
    pub(super) fn root(self) -> &'static str {
        match self {
            Spelling::Libpq => "sslrootcert",
            Spelling::Mysql => "ssl-ca",
        }
    }

    fn cert(self) -> &'static str {
        match self {
            Spelling::Libpq => "sslcert",
            Spelling::Mysql => "ssl-cert",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Spelling::Libpq => "sslkey",
            Spelling::Mysql => "ssl-key",
        }
    }

    /// `mode` as the URL says it: `sslmode=verify-full`, `ssl-mode=VERIFY_IDENTITY`.
    pub(crate) fn mode(self, mode: SslMode) -> String {
        let name = match (self, mode) {
            (Spelling::Libpq, SslMode::Disable) => "sslmode=disable",
            (Spelling::Libpq, SslMode::Allow) => "sslmode=allow",
            (Spelling::Libpq, SslMode::Prefer) => "sslmode=prefer",
            (Spelling::Libpq, SslMode::Require) => "sslmode=require",
            (Spelling::Libpq, SslMode::VerifyCa) => "sslmode=verify-ca",
            (Spelling::Libpq, SslMode::VerifyFull) => "sslmode=verify-full",
            (Spelling::Mysql, SslMode::Disable | SslMode::Allow) => "ssl-mode=DISABLED",
            (Spelling::Mysql, SslMode::Prefer) => "ssl-mode=PREFERRED",
            (Spelling::Mysql, SslMode::Require) => "ssl-mode=REQUIRED",
            (Spelling::Mysql, SslMode::VerifyCa) => "ssl-mode=VERIFY_CA",
            (Spelling::Mysql, SslMode::VerifyFull) => "ssl-mode=VERIFY_IDENTITY",
        };
        name.to_string()
    }
}

/// The rustls configuration for `settings`, built once per settings.
pub(super) fn client_config(settings: &TlsSettings) -> Result<Arc<ClientConfig>, ConnectFail> {
    if let Some(config) = settings.cache.get() {
        return Ok(Arc::clone(config));
    }
    let config = Arc::new(build_config(settings)?);
    // A racing connect may have set it first: either is right.
    Ok(Arc::clone(settings.cache.get_or_init(|| config)))
}

fn files(reason: String) -> ConnectFail {
    tls_fail(TlsErrorKind::Files, reason)
}

fn build_config(settings: &TlsSettings) -> Result<ClientConfig, ConnectFail> {
    // `ring` builds with a C compiler alone (aws-lc-rs needs cmake); rustls marks its
    // provider deprecated only for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let names = settings.spelling;
    let chain = match &settings.root_certs {
        None => None,
        Some(source) => {
            let mut roots = rustls::RootCertStore::empty();
            match source {
                RootCerts::File(path) => {
                    let certs = CertificateDer::pem_file_iter(path)
                        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                        .map_err(|e| files(format!("{} {}: {e}", names.root(), path.display())))?;
                    if certs.is_empty() {
                        return Err(files(format!(
                            "{} {}: no certificate in the file",
                            names.root(),
                            path.display()
                        )));
                    }
                    for cert in certs {
                        roots.add(cert).map_err(|e| {
                            files(format!("{} {}: {e}", names.root(), path.display()))
                        })?;
                    }
                }
                RootCerts::System => {
                    let found = rustls_native_certs::load_native_certs();
                    let (added, _) = roots.add_parsable_certificates(found.certs);
                    if added == 0 {
                        let why = found
                            .errors
                            .first()
                            .map(|e| format!(": {e}"))
                            .unwrap_or_default();
                        return Err(files(format!(
                            "sslrootcert=system: the platform's trust store has no usable \
                             certificate{why} (on Debian, install ca-certificates)"
                        )));
                    }
                }
            }
            let verifier =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
                    .build()
                    .map_err(|e| files(format!("{}: {e}", names.root())))?;
            Some(verifier)
        }
    };
    let verifier = Verifier {
        chain,
        check_name: settings.mode == SslMode::VerifyFull,
        algorithms: provider.signature_verification_algorithms,
    };
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_fail(TlsErrorKind::Handshake, format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    let mut config = match &settings.client_cert {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| files(format!("{} {}: {e}", names.cert(), cert.display())))?;
            if chain.is_empty() {
                return Err(files(format!(
                    "{} {}: no certificate in the file",
                    names.cert(),
                    cert.display()
                )));
            }
            let key_der = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| files(format!("{} {}: {e}", names.key(), key.display())))?;
            builder
                .with_client_auth_cert(chain, key_der)
                .map_err(|e| files(format!("{}/{}: {e}", names.cert(), names.key())))?
        }
    };
    config.enable_sni = settings.sni;
    if names == Spelling::Libpq {
        // What PostgreSQL 17's direct TLS expects; older servers ignore it.
        config.alpn_protocols = vec![b"postgresql".to_vec()];
    }
    Ok(config)
}

/// Checks the server's certificate as the mode says: no check without root
/// certificates (`require`, `prefer`), the chain with them, and the host name too for
/// `verify-full`. The handshake's signatures are always checked (the server holds the
/// certificate's key).
#[derive(Debug)]
struct Verifier {
    chain: Option<Arc<WebPkiServerVerifier>>,
    check_name: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        // webpki checks the name only after the chain: a name error means the chain is good.
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
