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
        let mut scram: Option<sasl::ScramSha256> = None;
        loop {
            match self.read_message()? {
                Message::AuthenticationOk => {}
                Message::AuthenticationCleartextPassword => {
                    frontend::password_message(password()?, &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send()?;
                }
                Message::AuthenticationMd5Password(body) => {
                    let hash =
                        authentication::md5_hash(config.user.as_bytes(), password()?, body.salt());
                    frontend::password_message(hash.as_bytes(), &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send()?;
                }
                Message::AuthenticationSasl(body) => {
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
                    s.finish(body.data())
                        .map_err(|e| Error::ConnectionLost(format!("SCRAM: {e}")))?;
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
                Message::BackendKeyData(_) | Message::ParameterStatus(_) => {}
                Message::ErrorResponse(body) => return Err(db_error(body.fields())),
                Message::ReadyForQuery(_) => return Ok(()),
                _ => return Err(protocol("unexpected message while logging in")),
            }
        }
    }
}

/// Opens the socket a configuration names.
pub(super) fn open(config: &Config) -> Result<Socket, String> {
    match &config.host {
        #[cfg(unix)]
        Host::Unix(dir) => {
            let path = dir.join(format!(".s.PGSQL.{}", config.port));
            UnixStream::connect(&path)
                .map(Socket::Unix)
                .map_err(|e| format!("{}: {e}", path.display()))
        }
        #[cfg(not(unix))]
        Host::Unix(dir) => Err(format!(
            "{}: Unix-domain sockets are not available here",
            dir.display()
        )),
        Host::Tcp(host) => {
            let addrs = (host.as_str(), config.port)
                .to_socket_addrs()
                .map_err(|e| format!("cannot resolve {host}: {e}"))?;
            let mut last = format!("{host} resolves to no address");
            for addr in addrs {
                match TcpStream::connect_timeout(&addr, config.connect_timeout) {
                    Ok(s) => {
                        let _ = s.set_nodelay(true);
                        return Ok(Socket::Tcp(s));
                    }
                    Err(e) => last = format!("{addr}: {e}"),
                }
            }
            Err(last)
        }
    }
}
