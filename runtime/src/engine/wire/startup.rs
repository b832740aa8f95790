//! Opening the socket and logging in.

use super::*;

impl Wire {
    pub(super) async fn startup(&mut self, config: &Config) -> Result<(), Error> {
        let mut params: Vec<(&str, &str)> = vec![
            ("user", &config.user),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO"),
        ];
        if let Some(db) = &config.dbname {
            params.push(("database", db));
        }
        if let Some(o) = &config.options {
            params.push(("options", o));
        }
        if let Some(a) = &config.application_name {
            params.push(("application_name", a));
        }
        frontend::startup_message(params.iter().copied(), &mut self.wbuf).map_err(|e| lost(&e))?;
        self.send().await?;
        let password = || {
            config
                .password
                .as_deref()
                .map(str::as_bytes)
                .ok_or_else(|| {
                    Error::ConnectionLost(
                        "the server asks for a password and the URL has none".into(),
                    )
                })
        };
        let auth = config.auth;
        let refuse = |method: &str, why: &str| {
            Err(Error::ConnectionLost(format!(
                "the server asks for {method}, which this connection does not allow ({why}); \
                 nothing was sent"
            )))
        };
        let binding = config.tls.channel_binding;
        let end_point = self
            .socket
            .tls_server_end_point()
            .map(|hash| hash.map(<[u8]>::to_vec));
        let unbound = |what: &str| {
            Err(Error::Tls {
                target: String::new(),
                kind: crate::engine::TlsErrorKind::ChannelBinding,
                reason: format!("channel_binding=require, but {what}; no password was sent"),
            })
        };
        let mut bound = false;
        let mut scram: Option<sasl::ScramSha256> = None;
        // Whether the server has shown it knows the password (SCRAM's final message).
        let mut scram_verified = false;
        let mut authenticated_by: Option<&str> = None;
        let mut ok = false;
        loop {
            match self.read_message().await? {
                Message::AuthenticationOk => {
                    if binding == ChannelBindingMode::Require && !bound {
                        return unbound("the server let the client in without SCRAM-SHA-256-PLUS");
                    }
                    if scram.is_some() && !scram_verified {
                        return Err(Error::ConnectionLost(
                            "the server ended SCRAM authentication without proving it knows \
                             the password (no server signature); refusing the session"
                                .into(),
                        ));
                    }
                    if authenticated_by.is_none() && !auth.none {
                        return refuse("no authentication", "require_auth does not include `none`");
                    }
                    ok = true;
                }
                Message::AuthenticationCleartextPassword
                | Message::AuthenticationMd5Password(_)
                    if binding == ChannelBindingMode::Require =>
                {
                    return unbound("the server asks for a password, not SCRAM-SHA-256-PLUS");
                }
                Message::AuthenticationCleartextPassword => {
                    if !auth.password {
                        return refuse(
                            "the password in clear text",
                            "require_auth does not include `password`",
                        );
                    }
                    // Over TLS (as over a Unix socket) the password does not cross a
                    // network in clear text.
                    if !self.is_local() && !self.socket.is_encrypted() && !auth.cleartext_over_tcp {
                        return refuse(
                            "the password in clear text over an unencrypted TCP connection",
                            "allow it with require_auth=password, or use SCRAM on the server",
                        );
                    }
                    frontend::password_message(password()?, &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send().await?;
                    authenticated_by = Some("password");
                }
                Message::AuthenticationMd5Password(body) => {
                    if !auth.md5 {
                        return refuse(
                            "an MD5 password hash",
                            "require_auth does not include `md5`",
                        );
                    }
                    let hash =
                        authentication::md5_hash(config.user.as_bytes(), password()?, body.salt());
                    frontend::password_message(hash.as_bytes(), &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send().await?;
                    authenticated_by = Some("md5");
                }
                Message::AuthenticationSasl(body) => {
                    if !auth.scram {
                        return refuse(
                            "SCRAM-SHA-256",
                            "require_auth does not include `scram-sha-256`",
                        );
                    }
                    if scram.is_some() {
                        return Err(protocol("a second SASL exchange"));
                    }
                    use postgres_protocol::message::backend::SaslMechanisms;
                    let mut mechanisms: SaslMechanisms<'_> = body.mechanisms();
                    let (mut scram_offered, mut plus_offered) = (false, false);
                    while let Some(m) = fallible_next(&mut mechanisms)? {
                        scram_offered |= m == sasl::SCRAM_SHA_256;
                        plus_offered |= m == sasl::SCRAM_SHA_256_PLUS;
                    }
                    // Channel binding: over TLS, SCRAM-SHA-256-PLUS signs the server
                    // certificate's hash, so a man in the middle holding another
                    // certificate cannot relay the exchange.
                    let (mechanism, channel) = match (binding, &end_point) {
                        (ChannelBindingMode::Disable, _) => {
                            (sasl::SCRAM_SHA_256, sasl::ChannelBinding::unsupported())
                        }
                        (_, Some(Some(hash))) if plus_offered => (
                            sasl::SCRAM_SHA_256_PLUS,
                            sasl::ChannelBinding::tls_server_end_point(hash.clone()),
                        ),
                        (ChannelBindingMode::Require, None) => {
                            return unbound("the connection is not encrypted (no TLS)");
                        }
                        (ChannelBindingMode::Require, Some(_)) if !plus_offered => {
                            return unbound("the server does not offer SCRAM-SHA-256-PLUS");
                        }
                        (ChannelBindingMode::Require, Some(_)) => {
                            return unbound(
                                "the server certificate's signature algorithm names no hash \
                                 for tls-server-end-point",
                            );
                        }
                        // TLS without a binding the server offers: "y", so that a server
                        // that does offer one sees a downgrade.
                        (ChannelBindingMode::Prefer, Some(_)) => {
                            (sasl::SCRAM_SHA_256, sasl::ChannelBinding::unrequested())
                        }
                        (ChannelBindingMode::Prefer, None) => {
                            (sasl::SCRAM_SHA_256, sasl::ChannelBinding::unsupported())
                        }
                    };
                    if !scram_offered && mechanism == sasl::SCRAM_SHA_256 {
                        return Err(Error::ConnectionLost(
                            "the server offers no SASL mechanism sqlwright supports \
                             (SCRAM-SHA-256, SCRAM-SHA-256-PLUS)"
                                .into(),
                        ));
                    }
                    bound = mechanism == sasl::SCRAM_SHA_256_PLUS;
                    let s = sasl::ScramSha256::new(password()?, channel);
                    frontend::sasl_initial_response(mechanism, s.message(), &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send().await?;
                    scram = Some(s);
                    authenticated_by = Some("scram-sha-256");
                }
                Message::AuthenticationSaslContinue(body) => {
                    let s = scram
                        .as_mut()
                        .ok_or_else(|| protocol("SASL continue without SASL"))?;
                    s.update(body.data())
                        .map_err(|e| Error::ConnectionLost(format!("SCRAM: {e}")))?;
                    frontend::sasl_response(s.message(), &mut self.wbuf).map_err(|e| lost(&e))?;
                    self.send().await?;
                }
                Message::AuthenticationSaslFinal(body) => {
                    let s = scram
                        .as_mut()
                        .ok_or_else(|| protocol("SASL final without SASL"))?;
                    // Checks the server's signature: a server that does not know the
                    // password (an impostor) fails here.
                    s.finish(body.data()).map_err(|e| {
                        Error::ConnectionLost(format!(
                            "SCRAM: the server's proof does not verify: {e}"
                        ))
                    })?;
                    scram_verified = true;
                }
                Message::AuthenticationKerberosV5
                | Message::AuthenticationScmCredential
                | Message::AuthenticationGss
                | Message::AuthenticationGssContinue(_)
                | Message::AuthenticationSspi => {
                    return Err(Error::ConnectionLost(
                        "the server asks for an authentication method sqlwright does not \
                         support (Kerberos, GSSAPI or SSPI)"
                            .into(),
                    ));
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::BackendKeyData(body) => {
                    self.keep_cancel_key(body.process_id(), body.secret_key());
                }
                Message::ParameterStatus(body) => self.note_parameter(&body)?,
                Message::ErrorResponse(body) => return Err(self.server_error(body.fields())),
                Message::ReadyForQuery(_) if ok => return Ok(()),
                Message::ReadyForQuery(_) => {
                    return Err(protocol("ready for queries before authentication ended"))
                }
                _ => return Err(protocol("unexpected message while logging in")),
            }
        }
    }
}
