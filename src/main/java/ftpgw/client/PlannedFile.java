package ftpgw.client;

/**
 * One local file of an upload plan: where it is read, where it lands under the gateway, and which
 * rank sends it.
 */
public record PlannedFile(String localPath, String remotePath, long bytes, int rank) {}
