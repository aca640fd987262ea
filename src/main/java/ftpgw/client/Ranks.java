package ftpgw.client;

import java.util.ArrayList;
import java.util.List;
import mpi.MPI;

/**
 * The MPI world as the client uses it: broadcast of rank 0's bytes, gather of every rank's bytes at
 * rank 0. Messages of any length travel as a length first, then the bytes ({@code MPI.BYTE}).
 */
final class Ranks {
  static final int ROOT = 0;

  /** Point-to-point progress messages; the collectives use none of the user tags. */
  private static final int PROGRESS_TAG = 7;

  private final int rank;
  private final int size;

  private Ranks(int rank, int size) {
    this.rank = rank;
    this.size = size;
  }

  /** After {@code MPI.Init}. */
  static Ranks world() {
    return new Ranks(MPI.COMM_WORLD.Rank(), MPI.COMM_WORLD.Size());
  }

  int rank() {
    return rank;
  }

  int size() {
    return size;
  }

  boolean isRoot() {
    return rank == ROOT;
  }

  /** Rank 0 passes its message; the others pass null and receive it. */
  byte[] broadcast(byte[] fromRoot) {
    int[] length = {isRoot() ? fromRoot.length : 0};
    MPI.COMM_WORLD.Bcast(length, 0, 1, MPI.INT, ROOT);
    byte[] bytes = isRoot() ? fromRoot : new byte[length[0]];
    MPI.COMM_WORLD.Bcast(bytes, 0, bytes.length, MPI.BYTE, ROOT);
    return bytes;
  }

  /**
   * Every rank passes its message; rank 0 receives them all in rank order, the others an empty
   * list.
   */
  List<byte[]> gather(byte[] mine) {
    int[] lengths = new int[size];
    MPI.COMM_WORLD.Gather(new int[] {mine.length}, 0, 1, MPI.INT, lengths, 0, 1, MPI.INT, ROOT);
    int[] offsets = new int[size];
    int total = 0;
    for (int r = 0; r < size; r++) {
      offsets[r] = total;
      total += lengths[r];
    }
    byte[] all = new byte[isRoot() ? total : 0];
    MPI.COMM_WORLD.Gatherv(
        mine, 0, mine.length, MPI.BYTE, all, 0, lengths, offsets, MPI.BYTE, ROOT);
    List<byte[]> messages = new ArrayList<>();
    if (isRoot()) {
      for (int r = 0; r < size; r++) {
        messages.add(java.util.Arrays.copyOfRange(all, offsets[r], offsets[r] + lengths[r]));
      }
    }
    return messages;
  }

  /** A rank's progress as rank 0 receives it. */
  record Progress(int rank, int filesDone, long bytes, long failedBytes, boolean finished) {}

  /**
   * A worker tells rank 0 how far it is (small: sent eagerly). A worker's last one says {@code
   * finished}, after which it only gathers; rank 0 reads them until every worker has finished.
   */
  void sendProgress(Progress progress) {
    long[] message = {
      progress.filesDone(), progress.bytes(), progress.failedBytes(), progress.finished() ? 1 : 0
    };
    MPI.COMM_WORLD.Send(message, 0, message.length, MPI.LONG, ROOT, PROGRESS_TAG);
  }

  /** Rank 0: every progress message that has arrived, without waiting. */
  List<Progress> pollProgress() {
    List<Progress> received = new ArrayList<>();
    for (mpi.Status status;
        (status = MPI.COMM_WORLD.Iprobe(MPI.ANY_SOURCE, PROGRESS_TAG)) != null; ) {
      long[] message = new long[4];
      MPI.COMM_WORLD.Recv(message, 0, message.length, MPI.LONG, status.source, PROGRESS_TAG);
      received.add(
          new Progress(status.source, (int) message[0], message[1], message[2], message[3] == 1));
    }
    return received;
  }

  /** Every rank waits for the others, then leaves MPI. */
  void finish() {
    MPI.COMM_WORLD.Barrier();
    MPI.Finalize();
  }
}
