package ftpgw.ftpserver;

import ftpgw.config.Secret;

/**
 * An account the gateway adds to its embedded server in memory only (the relay's own login, jailed
 * to the root).
 */
public record FtpAccount(String name, Secret password) {}
