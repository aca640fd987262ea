package ftpgw.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes that cross between ranks (MPI {@code Bcast} of a command, {@code Gatherv} of results),
 * written with {@code DataOutputStream} field by field: explicit, and free of Java serialization's
 * class-version traps.
 */
final class RankMessages {
  static final int UPLOAD = 1;
  static final int QUIT = 2;

  /** the plan's files are remote paths to fetch into their local paths */
  static final int DOWNLOAD = 3;

  private RankMessages() {}

  /**
   * A command from rank 0: upload this plan (with a live bar on rank 0's terminal, or plain lines),
   * or quit.
   */
  record Command(int kind, UploadPlan plan, boolean liveProgress) {
    static Command upload(UploadPlan plan, boolean liveProgress) {
      return new Command(UPLOAD, plan, liveProgress);
    }

    static Command download(UploadPlan plan, boolean liveProgress) {
      return new Command(DOWNLOAD, plan, liveProgress);
    }

    static Command quit() {
      return new Command(QUIT, new UploadPlan(List.of(), List.of()), false);
    }
  }

  static byte[] encode(Command command) {
    return write(
        out -> {
          out.writeInt(command.kind());
          out.writeBoolean(command.liveProgress());
          out.writeInt(command.plan().files().size());
          for (PlannedFile f : command.plan().files()) {
            out.writeUTF(f.localPath());
            out.writeUTF(f.remotePath());
            out.writeLong(f.bytes());
            out.writeInt(f.rank());
          }
          writeStrings(out, command.plan().notFound());
          out.writeInt(command.plan().splits().size());
          for (SplitFile f : command.plan().splits()) {
            out.writeUTF(f.localPath());
            out.writeUTF(f.remotePath());
            out.writeLong(f.bytes());
            out.writeInt(f.ranges().size());
            for (SplitFile.Range r : f.ranges()) {
              out.writeLong(r.offset());
              out.writeLong(r.length());
              out.writeInt(r.rank());
            }
          }
        });
  }

  static Command decodeCommand(byte[] bytes) {
    return read(
        bytes,
        in -> {
          int kind = in.readInt();
          boolean liveProgress = in.readBoolean();
          int n = in.readInt();
          List<PlannedFile> files = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            files.add(new PlannedFile(in.readUTF(), in.readUTF(), in.readLong(), in.readInt()));
          }
          List<String> notFound = readStrings(in);
          int splitCount = in.readInt();
          List<SplitFile> splits = new ArrayList<>(splitCount);
          for (int i = 0; i < splitCount; i++) {
            String local = in.readUTF();
            String remote = in.readUTF();
            long size = in.readLong();
            int rangeCount = in.readInt();
            List<SplitFile.Range> ranges = new ArrayList<>(rangeCount);
            for (int j = 0; j < rangeCount; j++) {
              ranges.add(new SplitFile.Range(in.readLong(), in.readLong(), in.readInt()));
            }
            splits.add(new SplitFile(local, remote, size, ranges));
          }
          return new Command(kind, new UploadPlan(files, notFound, splits), liveProgress);
        });
  }

  static byte[] encode(List<UploadResult> results) {
    return write(
        out -> {
          out.writeInt(results.size());
          for (UploadResult r : results) {
            out.writeUTF(r.remotePath());
            out.writeInt(r.rank());
            out.writeLong(r.bytes());
            out.writeDouble(r.seconds());
            out.writeBoolean(r.ok());
            out.writeInt(r.attempts());
            out.writeUTF(r.message());
            out.writeInt(r.lastRank());
            out.writeUTF(r.partUrl());
          }
        });
  }

  static List<UploadResult> decodeResults(byte[] bytes) {
    return read(
        bytes,
        in -> {
          int n = in.readInt();
          List<UploadResult> results = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            results.add(
                new UploadResult(
                    in.readUTF(),
                    in.readInt(),
                    in.readLong(),
                    in.readDouble(),
                    in.readBoolean(),
                    in.readInt(),
                    in.readUTF(),
                    in.readInt(),
                    in.readUTF()));
          }
          return results;
        });
  }

  private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String s : strings) {
      out.writeUTF(s);
    }
  }

  private static List<String> readStrings(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<String> strings = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      strings.add(in.readUTF());
    }
    return strings;
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] bytes, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt message between ranks", e);
    }
  }
}
