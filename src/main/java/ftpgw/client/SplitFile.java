package ftpgw.client;

import java.util.List;

/**
 * One file of an upload plan that is too large for one rank: cut into {@link #ranges()}, one per
 * rank, each sent as a tus partial upload, then joined by rank 0 with a final upload.
 *
 * @param localPath absolute path of the file on every rank (a shared file system under niodev)
 * @param remotePath where it lands under the gateway
 * @param bytes the whole file's size
 * @param ranges its ranges in file order, range {@code i} sent by rank {@code i}
 */
public record SplitFile(String localPath, String remotePath, long bytes, List<Range> ranges) {
  public SplitFile {
    ranges = List.copyOf(ranges);
  }

  /** Bytes {@code [offset, offset + length)} of the file, sent by {@code rank}. */
  public record Range(long offset, long length, int rank) {}

  /** This rank's range, or null when it sends none of this file. */
  Range rangeOf(int rank) {
    return ranges.stream().filter(r -> r.rank() == rank).findFirst().orElse(null);
  }

  /** For the report's rank column: {@code 0-3}. */
  String ranksLabel() {
    return ranges.get(0).rank() + "-" + ranges.get(ranges.size() - 1).rank();
  }
}
