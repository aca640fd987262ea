package ftpgw.config;

/** What the HTTP side needs for transfer events, the bridges and the hooks, in one argument. */
public record LiveConfig(EventsConfig events, BridgesConfig bridges, HooksConfig hooks) {
  public static final LiveConfig DEFAULTS =
      new LiveConfig(EventsConfig.DEFAULTS, BridgesConfig.DEFAULTS, HooksConfig.DEFAULTS);
}
