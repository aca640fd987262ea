package ftpgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/k8s/ftpgw.yaml as Kubernetes would take it, without a cluster: the manifests are parsed
 * (SnakeYAML) and checked against the image (deploy/docker/Dockerfile) and the header's own
 * instructions, which is where the shipped manifests could not start: a non-numeric image user
 * under runAsNonRoot, a secret nobody creates, an fsGroup guessed from what useradd picks.
 */
class DeployManifestsTest {
  private static final Path MANIFEST = Path.of("deploy/k8s/ftpgw.yaml");
  private static final Path DOCKERFILE = Path.of("deploy/docker/Dockerfile");
  private static final Pattern CREATE_SECRET =
      Pattern.compile("kubectl .*create secret generic (\\S+)(.*)$");
  private static final Pattern SECRET_KEY =
      Pattern.compile("--from-(?:literal|file)=([A-Za-z0-9._-]+)=");

  private static List<Map<String, Object>> documents;
  private static List<Map<String, Object>> workloads;
  private static Image image;

  /** What the Dockerfile says about the user the image runs as. */
  record Image(String user, Integer createdUid, Integer createdGid) {}

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    documents = new ArrayList<>();
    for (Object doc : yaml.loadAll(Files.readString(MANIFEST))) {
      if (doc != null) {
        documents.add((Map<String, Object>) doc);
      }
    }
    workloads =
        documents.stream()
            .filter(
                d ->
                    List.of("Deployment", "StatefulSet", "DaemonSet", "Job")
                        .contains(d.get("kind")))
            .toList();
    image = image(Files.readAllLines(DOCKERFILE));
  }

  @Test
  void theManifestHoldsTheWorkloadsThisTestChecks() {
    assertThat(workloads)
        .extracting(w -> at(w, "metadata", "name"))
        .containsExactlyInAnyOrder("ftpgw-edge", "ftpgw-relay");
  }

  @Test
  void theImageRunsAsAFixedNumericNonRootUser() {
    assertThat(image.user())
        .as("the Dockerfile's USER (runAsNonRoot can only check a numeric one)")
        .matches("[0-9]+(:[0-9]+)?");
    int uid = Integer.parseInt(image.user().split(":")[0]);
    assertThat(uid).isPositive();
    assertThat(image.createdUid())
        .as("useradd --uid: the user exists with the id USER names")
        .isEqualTo(uid);
    assertThat(image.createdGid()).as("groupadd --gid").isNotNull();
    if (image.user().contains(":")) {
      assertThat(Integer.parseInt(image.user().split(":")[1])).isEqualTo(image.createdGid());
    }
  }

  @Test
  void everyPodThatMustNotRunAsRootRunsAsTheImagesUserWithItsGroupOwningTheVolumes() {
    for (Map<String, Object> workload : workloads) {
      String name = (String) at(workload, "metadata", "name");
      Map<String, Object> pod = map(at(workload, "spec", "template", "spec"));
      Map<String, Object> security = map(pod.getOrDefault("securityContext", Map.of()));
      assertThat(security.get("runAsNonRoot")).as(name + ": runAsNonRoot").isEqualTo(true);
      // Kubernetes refuses runAsNonRoot unless the user is numeric: in the pod, or else in the
      // image
      Object runAsUser = security.get("runAsUser");
      if (runAsUser != null) {
        assertThat(runAsUser)
            .as(name + ": runAsUser is the image's user")
            .isEqualTo(image.createdUid());
      } else {
        assertThat(image.user())
            .as(name + ": no runAsUser, so the image's USER must be numeric")
            .matches("[1-9][0-9]*(:[0-9]+)?");
      }
      assertThat(security.get("fsGroup"))
          .as(name + ": fsGroup is the gid the Dockerfile creates")
          .isEqualTo(image.createdGid());
      if (security.containsKey("runAsGroup")) {
        assertThat(security.get("runAsGroup"))
            .as(name + ": runAsGroup")
            .isEqualTo(image.createdGid());
      }
    }
  }

  @Test
  void everySecretAPodReadsIsCreatedByTheHeadersInstructionsWithThatKey() throws IOException {
    Map<String, Set<String>> created = new HashMap<>();
    for (String line : Files.readAllLines(MANIFEST)) {
      Matcher m = CREATE_SECRET.matcher(line);
      if (line.startsWith("#") && m.find()) {
        Set<String> keys = created.computeIfAbsent(m.group(1), k -> new HashSet<>());
        SECRET_KEY.matcher(m.group(2)).results().forEach(r -> keys.add(r.group(1)));
      }
    }
    List<String[]> used = new ArrayList<>();
    for (Map<String, Object> workload : workloads) {
      Map<String, Object> pod = map(at(workload, "spec", "template", "spec"));
      for (Object c : list(pod.get("containers"))) {
        for (Object e : list(map(c).get("env"))) {
          Object ref = at(map(e), "valueFrom", "secretKeyRef");
          if (ref != null) {
            used.add(new String[] {(String) map(ref).get("name"), (String) map(ref).get("key")});
          }
        }
      }
      for (Object v : list(pod.get("volumes"))) {
        Object secret = map(v).get("secret");
        if (secret != null) {
          used.add(new String[] {(String) map(secret).get("secretName"), null});
        }
      }
    }
    assertThat(used).as("secrets the pods read").isNotEmpty();
    for (String[] secret : used) {
      assertThat(created)
          .as("a 'kubectl create secret generic " + secret[0] + "' line in the header")
          .containsKey(secret[0]);
      if (secret[1] != null) {
        assertThat(created.get(secret[0]))
            .as("key " + secret[1] + " of secret " + secret[0])
            .contains(secret[1]);
      }
    }
  }

  @Test
  void
      everyConfigFileAPodStartsWithIsInItsConfigMapAndItsSecretsComeFromTheEnvironmentThePodSets() {
    Map<String, Map<String, Object>> configMaps = new HashMap<>();
    documents.stream()
        .filter(d -> "ConfigMap".equals(d.get("kind")))
        .forEach(d -> configMaps.put((String) at(d, "metadata", "name"), map(d.get("data"))));
    Pattern envName =
        Pattern.compile("\"(?:passwordHashEnv|passwordEnv)\"\\s*:\\s*\"([A-Z0-9_]+)\"");
    for (Map<String, Object> workload : workloads) {
      String name = (String) at(workload, "metadata", "name");
      Map<String, Object> pod = map(at(workload, "spec", "template", "spec"));
      for (Object c : list(pod.get("containers"))) {
        List<Object> args = list(map(c).get("args"));
        String conf = (String) args.get(args.indexOf("-conf") + 1);
        String key = conf.substring(conf.lastIndexOf('/') + 1);
        Map<String, Object> data =
            pod.get("volumes") == null
                ? Map.of()
                : configMaps.get(
                    list(pod.get("volumes")).stream()
                        .map(v -> at(map(v), "configMap", "name"))
                        .filter(n -> n != null)
                        .findFirst()
                        .orElse(""));
        assertThat(data)
            .as(name + ": the config map mounted at /etc/ftpgw")
            .isNotNull()
            .containsKey(key);
        Set<String> env = new HashSet<>();
        list(map(c).get("env")).forEach(e -> env.add((String) map(e).get("name")));
        envName
            .matcher((String) data.get(key))
            .results()
            .forEach(
                r ->
                    assertThat(env)
                        .as(name + ": " + key + " reads $" + r.group(1))
                        .contains(r.group(1)));
      }
    }
  }

  private static Image image(List<String> dockerfile) {
    String user = null;
    Integer uid = null;
    Integer gid = null;
    Pattern uidOption = Pattern.compile("useradd .*--uid (\\d+)");
    Pattern gidOption = Pattern.compile("groupadd .*--gid (\\d+)");
    for (String line : dockerfile) {
      String l = line.strip();
      if (l.startsWith("USER ")) {
        user = l.substring(5).strip();
      }
      Matcher u = uidOption.matcher(l);
      if (u.find()) {
        uid = Integer.valueOf(u.group(1));
      }
      Matcher g = gidOption.matcher(l);
      if (g.find()) {
        gid = Integer.valueOf(g.group(1));
      }
    }
    return new Image(user, uid, gid);
  }

  private static Object at(Map<String, Object> root, String... path) {
    Object node = root;
    for (String key : path) {
      if (!(node instanceof Map<?, ?> m)) {
        return null;
      }
      node = m.get(key);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    return node == null ? Map.of() : (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object node) {
    return node == null ? List.of() : (List<Object>) node;
  }
}
