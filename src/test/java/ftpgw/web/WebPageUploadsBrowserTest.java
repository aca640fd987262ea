package ftpgw.web;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.Browser;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.TestFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web page in a real Chromium against a gateway in its own JVM (so that it can be killed):
 * uploads through Uppy and tus, pause and resume, a restart mid-upload, the file browser and the
 * live table.
 */
class WebPageUploadsBrowserTest {
  private static final String HASH = "[0-9a-f]{64}";

  @TempDir Path dir;
  private JsonObject config;
  private GatewayProcess gateway;
  private Browser browser;
  private String base;

  @BeforeEach
  void startGatewayAndBrowser() throws Exception {
    int port = FreePorts.one();
    base = "http://127.0.0.1:" + port;
    config =
        new JsonObject()
            .put("http", new JsonObject().put("port", port))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put(
                "ftpServer",
                new JsonObject()
                    .put("port", FreePorts.one())
                    .put("root", ftpRoot().toString())
                    .put("passivePorts", FreePorts.range(20)))
            .put("bridges", new JsonObject().put("sockjs", new JsonObject().put("enabled", true)));
    gateway = GatewayProcess.start(config, dir.resolve("gateway.json"));
    browser = Browser.start(dir.resolve("downloads"));
    browser.open(base + "/");
    browser.waitFor(30, ExpectedConditions.visibilityOfElementLocated(By.id("app-view")));
  }

  @AfterEach
  void screenshotAndStop(TestInfo test) throws Exception {
    try {
      browser.screenshot(
          "WebPageUploadsBrowserTest-" + test.getTestMethod().orElseThrow().getName());
    } finally {
      browser.close();
      gateway.close();
    }
  }

  @Test
  void threeFilesChosenInThePageLandWithTheirSha256Shown() throws Exception {
    List<Path> files =
        List.of(
            TestFiles.random(dir, "one.bin", 1),
            TestFiles.random(dir, "two.bin", 300_000),
            TestFiles.random(dir, "three.bin", 3 * MiB));
    browser.find("#target-folder").sendKeys("from-page/run-1");

    choose(files);
    startUpload();

    browser.waitFor(120, d -> finishedHashes().size() == 3);
    for (Path file : files) {
      String sha256 = TestFiles.sha256(file);
      assertThat(finishedHashes()).contains(sha256);
      assertThat(TestFiles.sha256(ftpRoot().resolve("from-page/run-1/" + file.getFileName())))
          .isEqualTo(sha256);
    }
    assertThat(browser.find("#finished").getText()).contains("from-page/run-1/three.bin");
    browser.screenshot("web-page");
  }

  @Test
  void aPausedUploadResumesWhereItStopped() throws Exception {
    Path big = TestFiles.random(dir, "big.bin", 200 * MiB);
    choose(List.of(big));
    startUpload();
    browser.waitFor(120, d -> uploadedBytes() > 0);

    browser.find("button[title='Pause']").click();
    long paused = uploadedBytes();
    Thread.sleep(1500);
    assertThat(uploadedBytes())
        .as("nothing moves while paused")
        .isLessThanOrEqualTo(paused + 16 * MiB);
    assertThat(ftpRoot().resolve("big.bin")).doesNotExist();

    browser.find("button[title='Resume']").click();
    browser.waitFor(180, d -> finishedHashes().size() == 1);
    assertThat(finishedHashes()).containsExactly(TestFiles.sha256(big));
    assertThat(TestFiles.sha256(ftpRoot().resolve("big.bin"))).isEqualTo(TestFiles.sha256(big));
  }

  @Test
  void anUploadCutByAGatewayRestartCompletesAfterTheReload() throws Exception {
    Path big = TestFiles.random(dir, "restart.bin", 200 * MiB);
    choose(List.of(big));
    startUpload();
    browser.waitFor(120, d -> uploadedBytes() >= 20 * MiB);

    gateway.kill();
    gateway = GatewayProcess.start(config, dir.resolve("gateway.json"));
    browser.open(base + "/");
    browser.waitFor(30, ExpectedConditions.visibilityOfElementLocated(By.id("app-view")));
    // the page remembers the upload and asks for its file again ("Session restored … re-select
    // it"): chosen
    // again, it goes on from the gateway's offset under the upload URL the browser kept
    browser.waitFor(30, d -> browser.find("#uploader").getText().contains("re-select"));
    choose(List.of(big));
    // the restored upload goes on by itself, or waits for its button, depending on where it stopped
    browser.waitFor(
        30,
        d -> {
          List<WebElement> upload = browser.findAll(".uppy-StatusBar-actionBtn--upload");
          if (!upload.isEmpty() && upload.get(0).isEnabled()) {
            upload.get(0).click();
            return true;
          }
          List<WebElement> resume = browser.findAll("button[title='Resume']");
          if (!resume.isEmpty()) {
            resume.get(0).click();
            return true;
          }
          return !browser.findAll("button[title='Pause']").isEmpty() || !finishedHashes().isEmpty();
        });

    browser.waitFor(180, d -> finishedHashes().size() == 1);
    assertThat(finishedHashes()).containsExactly(TestFiles.sha256(big));
    assertThat(TestFiles.sha256(ftpRoot().resolve("restart.bin"))).isEqualTo(TestFiles.sha256(big));
  }

  @Test
  void theBrowserMakesAFolderDownloadsRenamesAndDeletes() throws Exception {
    browser.find("#mkdir-name").sendKeys("made-here");
    browser.find("#mkdir-form button[type=submit]").click();
    browser.waitFor(30, d -> row("made-here") != null);
    assertThat(ftpRoot().resolve("made-here")).isDirectory();

    Path file = TestFiles.random(dir, "fetch-me.bin", 2 * MiB);
    Files.copy(file, ftpRoot().resolve("fetch-me.bin"));
    browser.find("#refresh").click();
    browser.waitFor(30, d -> row("fetch-me.bin") != null);
    clickIn("fetch-me.bin", "a");
    Path downloaded = dir.resolve("downloads/fetch-me.bin");
    browser.waitFor(
        60,
        d ->
            Files.exists(downloaded)
                && TestFiles.sha256(downloaded).equals(TestFiles.sha256(file)));

    clickIn("fetch-me.bin", "button[aria-label^='Rename']");
    browser.waitFor(10, ExpectedConditions.alertIsPresent()).sendKeys("renamed.bin");
    browser.driver().switchTo().alert().accept();
    browser.waitFor(30, d -> row("renamed.bin") != null);
    assertThat(ftpRoot().resolve("renamed.bin")).exists();
    assertThat(ftpRoot().resolve("fetch-me.bin")).doesNotExist();

    clickIn("renamed.bin", "button[aria-label^='Delete']");
    browser.waitFor(10, ExpectedConditions.alertIsPresent()).accept();
    browser.waitFor(30, d -> row("renamed.bin") == null);
    assertThat(ftpRoot().resolve("renamed.bin")).doesNotExist();
  }

  @Test
  void aCurlUploadAppearsInTheLiveTableWithoutAReload() throws Exception {
    browser.waitFor(30, d -> browser.find("#live-status").getText().contains("live"));
    Path file = TestFiles.random(dir, "by-curl.bin", MiB);

    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--fail-with-body",
                "-T",
                file.toString(),
                base + "/files/by-curl/by-curl.bin")
            .redirectErrorStream(true)
            .start();
    assertThat(curl.waitFor()).isZero();

    browser.waitFor(
        30,
        d ->
            browser.findAll("#transfers tbody tr").stream()
                .anyMatch(
                    r ->
                        r.getText().contains("by-curl/by-curl.bin")
                            && "delivered".equals(r.getAttribute("data-state"))));
    assertThat(browser.find("#transfers").getText()).contains(TestFiles.sha256(file));
  }

  private Path ftpRoot() {
    return dir.resolve("ftp");
  }

  /** Chooses files in Uppy's file input, as the file dialog would. */
  private void choose(List<Path> files) {
    if (browser
        .findAll(".uppy-Dashboard-input")
        .isEmpty()) { // a list of files is shown: "+ Add more" has the input
      browser.find(".uppy-DashboardContent-addMore").click();
    }
    WebElement input =
        browser.waitFor(
            10, d -> browser.findAll(".uppy-Dashboard-input").stream().findFirst().orElse(null));
    browser.script("arguments[0].style.display = 'block'; arguments[0].hidden = false;", input);
    input.sendKeys(
        files.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining("\n")));
    browser.waitFor(20, d -> browser.findAll(".uppy-Dashboard-Item").size() >= files.size());
  }

  private void startUpload() {
    browser
        .waitFor(
            20,
            ExpectedConditions.elementToBeClickable(
                By.cssSelector(".uppy-StatusBar-actionBtn--upload")))
        .click();
  }

  /** What Uppy's status bar says it has sent, from its progress element. */
  private long uploadedBytes() {
    Object sent =
        browser.script(
            "const u = window.ftpgwUppy; return u ? u.getFiles().reduce((s, f) =>"
                + " s + (f.progress.bytesUploaded || 0), 0) : 0;");
    return ((Number) sent).longValue();
  }

  private List<String> finishedHashes() {
    return browser.findAll("#finished tbody td.hash").stream()
        .map(WebElement::getText)
        .filter(t -> t.matches(HASH))
        .toList();
  }

  /**
   * Clicks {@code css} in the listing's row of {@code name}, again if the listing was redrawn in
   * between.
   */
  private void clickIn(String name, String css) {
    browser.waitFor(
        20,
        d -> {
          try {
            row(name).findElement(By.cssSelector(css)).click();
            return true;
          } catch (NullPointerException notYetListed) {
            return false;
          }
        });
  }

  private WebElement row(String name) {
    return browser.findAll("#files tbody tr").stream()
        .filter(r -> name.equals(r.getAttribute("data-name")))
        .findFirst()
        .orElse(null);
  }
}
