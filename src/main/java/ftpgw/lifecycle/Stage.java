package ftpgw.lifecycle;

import io.vertx.core.Context;

/**
 * A verticle the gateway deploys its next stage inside of, so that shutdown runs in the reverse
 * order of start-up. It has a package of its own so that the verticles implement it without
 * importing the root package that deploys them (which would make a cycle).
 */
public interface Stage {
  /** The verticle's own context (where its children are deployed from). */
  Context stageContext();
}
