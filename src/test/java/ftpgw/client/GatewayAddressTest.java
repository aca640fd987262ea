package ftpgw.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * --gateway read as curl reads a URL: no scheme means http://; anything that is not a gateway URL
 * is refused.
 */
class GatewayAddressTest {
  @Test
  void hostAndPortWithoutASchemeIsHttpAsInCurl() {
    assertThat(GatewayAddress.parse("127.0.0.1:6969")).hasToString("http://127.0.0.1:6969");
    assertThat(GatewayAddress.parse("localhost:6969")).hasToString("http://localhost:6969");
    assertThat(GatewayAddress.parse("gw.example")).hasToString("http://gw.example");
    assertThat(GatewayAddress.parse("[::1]:6969")).hasToString("http://[::1]:6969");
  }

  @Test
  void aFullUrlKeepsItsSchemeAndPathWithoutTrailingSlashes() {
    assertThat(GatewayAddress.parse("https://gw.example:8443/"))
        .hasToString("https://gw.example:8443");
    assertThat(GatewayAddress.parse(" HTTP://gw.example/ftpgw// "))
        .hasToString("http://gw.example/ftpgw");
  }

  @Test
  void whatIsNoGatewayUrlIsRefusedWithTheReason() {
    assertThatThrownBy(() -> GatewayAddress.parse("ftp://127.0.0.1:21"))
        .hasMessageContaining("--gateway 'ftp://127.0.0.1:21'")
        .hasMessageContaining("not ftp://");
    assertThatThrownBy(() -> GatewayAddress.parse("")).hasMessageContaining("--gateway is empty");
    assertThatThrownBy(() -> GatewayAddress.parse("http://"))
        .hasMessageContaining("--gateway 'http://'");
    assertThatThrownBy(() -> GatewayAddress.parse("http://gw example:1"))
        .hasMessageContaining("not a gateway URL");
    assertThatThrownBy(() -> GatewayAddress.parse("http://gw:6969/?x=1"))
        .hasMessageContaining("no ?query");
  }
}
