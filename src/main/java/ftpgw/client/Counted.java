package ftpgw.client;

/**
 * A count with its noun in the right number, for what the client prints: "1 file", "3 files", "1
 * rank".
 */
final class Counted {
  private Counted() {}

  /** {@code noun} is the singular; every noun the client counts takes a plain -s. */
  static String of(long count, String noun) {
    return count + " " + (count == 1 ? noun : noun + "s");
  }
}
