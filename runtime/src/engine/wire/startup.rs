//! Opening the socket and logging in.

use super::*;

impl Wire {
    pub(super) fn startup(&mut self, config: &Config) -> Result<(), Error> {
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
        self.send()?;
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
        let mut scram: Option<sasl::ScramSha256> = None;
        // Whether the server has shown it knows the password (SCRAM's final message).
        let mut scram_verified = false;
        let mut authenticated_by: Option<&str> = None;
        let mut ok = false;
        loop {
            match self.read_message()? {
                Message::AuthenticationOk => {
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
                Message::AuthenticationCleartextPassword => {
                    if !auth.password {
                        return refuse(
                            "the password in clear text",
                            "require_auth does not include `password`",
                        );
                    }
                    if !self.is_local() && !auth.cleartext_over_tcp {
                        return refuse(
                            "the password in clear text over an unencrypted TCP connection",
                            "allow it with require_auth=password, or use SCRAM on the server",
                        );
                    }
                    frontend::password_message(password()?, &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send()?;
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
                    self.send()?;
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
                    let mut scram_offered = false;
                    while let Some(m) = fallible_next(&mut mechanisms)? {
                        scram_offered |= m == sasl::SCRAM_SHA_256;
                    }
                    if !scram_offered {
                        return Err(Error::ConnectionLost(
                            "the server offers no SASL mechanism sqlwright supports \
                             (SCRAM-SHA-256)"
                                .into(),
                        ));
                    }
                    let s =
                        sasl::ScramSha256::new(password()?, sasl::ChannelBinding::unsupported());
                    frontend::sasl_initial_response(
                        sasl::SCRAM_SHA_256,
                        s.message(),
                        &mut self.wbuf,
                    )
                    .map_err(|e| lost(&e))?;
                    self.send()?;
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
                    self.send()?;
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
                Message::ParameterStatus(body) => self.note_parameter(&body)?,
                Message::BackendKeyData(_) => {}
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
