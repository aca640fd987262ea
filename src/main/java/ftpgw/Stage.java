package ftpgw;

import io.vertx.core.Context;

/** A verticle the gateway deploys its next stage inside of, so that shutdown runs in the reverse order of start-up. */
public interface Stage {
  /** The verticle's own context (where its children are deployed from). */
  Context stageContext();
}
