package ftpgw.tus;

import ftpgw.transfer.Failure;
import ftpgw.transfer.RemotePath;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the tus request headers whose syntax the spec fixes: numbers, Upload-Metadata,
 * Upload-Checksum.
 */
final class TusHeaders {
  static final String VERSION = "1.0.0";

  /** Spec order: the Server's preferred algorithm first. */
  static final String CHECKSUM_ALGORITHMS = "sha256,sha1,md5";

  /** A chunk's announced checksum: the digest to run over it and the value it must give. */
  record Checksum(String algorithm, MessageDigest digest, byte[] expected) {}

  private TusHeaders() {}

  /** A non-negative integer header ("Upload-Offset: The value MUST be a non-negative integer"). */
  static long nonNegative(String name, String value) {
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw Failure.BAD_REQUEST.exception(
        name + " must be a non-negative integer, got \"" + value + "\"");
  }

  /**
   * "The Upload-Metadata request and response header MUST consist of one or more comma-separated
   * key-value pairs. The key and value MUST be separated by a space. The key MUST NOT contain
   * spaces and commas and MUST NOT be empty. The key SHOULD be ASCII encoded and the value MUST be
   * Base64 encoded. All keys MUST be unique. The value MAY be empty."
   */
  static Map<String, String> metadata(String header) {
    Map<String, String> pairs = new LinkedHashMap<>();
    if (header == null || header.isBlank()) {
      return pairs;
    }
    for (String pair : header.split(",")) {
      String[] kv = pair.trim().split(" ", -1);
      if (kv.length > 2 || kv[0].isEmpty()) {
        throw Failure.BAD_REQUEST.exception(
            "Upload-Metadata must be \"key base64value\" pairs separated by commas");
      }
      String value;
      try {
        value =
            kv.length == 1
                ? ""
                : new String(Base64.getDecoder().decode(kv[1]), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw Failure.BAD_REQUEST.exception(
            "Upload-Metadata value of \"" + kv[0] + "\" is not Base64");
      }
      if (pairs.put(kv[0], value) != null) {
        throw Failure.BAD_REQUEST.exception("Upload-Metadata has the key \"" + kv[0] + "\" twice");
      }
    }
    return pairs;
  }

  /**
   * Where the upload lands: metadata {@code filename} (or {@code name}, as Uppy sends it) in the
   * optional {@code folder}, checked exactly as {@code PUT /files/{path}} paths are.
   */
  static RemotePath target(Map<String, String> metadata) {
    String name = metadata.getOrDefault("filename", metadata.get("name"));
    if (name == null || name.isEmpty()) {
      throw Failure.BAD_PATH.exception(
          "Upload-Metadata must name the file: filename (or name), and optionally folder");
    }
    return RemotePath.folder(metadata.get("folder")).resolve(RemotePath.fileName(name));
  }

  /**
   * "The Upload-Checksum request header contains information about the checksum of the current body
   * payload. The header MUST consist of the name of the used checksum algorithm and the Base64
   * encoded checksum separated by a space."
   */
  static Checksum checksum(String header) {
    String[] parts = header.trim().split(" ");
    if (parts.length != 2) {
      throw Failure.BAD_DIGEST.exception(
          "Upload-Checksum must be \"<algorithm> <base64>\", got \"" + header + "\"");
    }
    String algorithm = parts[0].toLowerCase(Locale.ROOT);
    String jdkName =
        switch (algorithm) {
          case "sha256" -> "SHA-256";
          case "sha1" -> "SHA-1";
          case "md5" -> "MD5";
          // "The Server MUST respond with 400 Bad Request if the checksum algorithm is not
          // supported by the server"
          default ->
              throw Failure.BAD_DIGEST.exception(
                  "Upload-Checksum algorithm \""
                      + parts[0]
                      + "\" is not supported; use one of "
                      + CHECKSUM_ALGORITHMS);
        };
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw Failure.BAD_DIGEST.exception("Upload-Checksum value is not Base64: " + parts[1]);
    }
    try {
      return new Checksum(algorithm, MessageDigest.getInstance(jdkName), expected);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
