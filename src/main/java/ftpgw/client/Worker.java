package ftpgw.client;

import java.io.PrintStream;

/** A rank other than 0: waits for rank 0's commands, uploads its share of each plan, reports back, exits on quit. */
final class Worker {
  private final Ranks ranks;
  private final RankShare share;
  private final PrintStream out;

  Worker(Ranks ranks, RankShare share, PrintStream out) {
    this.ranks = ranks;
    this.share = share;
    this.out = out;
  }

  void serve() {
    while (true) {
      Wire.Command command = Wire.decodeCommand(ranks.broadcast(null));
      if (command.kind() == Wire.QUIT) {
        out.println("Rank " + ranks.rank() + " exiting.");
        return;
      }
      ranks.gather(Wire.encode(share.upload(command.plan())));
    }
  }
}
