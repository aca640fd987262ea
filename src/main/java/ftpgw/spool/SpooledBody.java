package ftpgw.spool;

/** What was received into the spool: the exact size and SHA-256 (hex) of the body. */
public record SpooledBody(long bytes, String sha256) {}
