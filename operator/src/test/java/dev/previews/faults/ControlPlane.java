package dev.previews.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane that {@code ../shared/k8s/up.sh} started, as processes the tier can stop, freeze
 * and start again: their PIDs are in {@code $K8S_HOME/run/*.pid}, their command lines in
 * {@code /proc/PID/cmdline}. A restart runs the same command line again (setsid, output appended to
 * {@code $K8S_HOME/logs}) and writes the new PID where down.sh looks for it.
 *
 * <p>K8S_HOME, API_PORT and ETCD_PORT come from the environment with up.sh's defaults; before it
 * signals a process the tier checks that its command line names those ports, so that a run against one
 * control plane never touches another on the same machine.
 */
final class ControlPlane {
    /** The processes up.sh starts. */
    enum Component {
        ETCD("etcd"),
        API_SERVER("kube-apiserver"),
        CONTROLLER_MANAGER("kube-controller-manager");

        final String binary;

        Component(String binary) {
            this.binary = binary;
        }
    }

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path home;
    final int apiPort;
    final int etcdPort;

    private ControlPlane(Path home, int apiPort, int etcdPort) {
        this.home = home;
        this.apiPort = apiPort;
        this.etcdPort = etcdPort;
    }

    static ControlPlane fromEnvironment() {
        Map<String, String> env = System.getenv();
        Path home = Path.of(env.getOrDefault("K8S_HOME", System.getProperty("user.home") + "/.cache/local-k8s"));
        return new ControlPlane(
                home,
                Integer.parseInt(env.getOrDefault("API_PORT", "16443")),
                Integer.parseInt(env.getOrDefault("ETCD_PORT", "23790")));
    }

    Path pki(String file) {
        return home.resolve("pki").resolve(file);
    }

    /** Why the tier cannot use this control plane, or null when every process is there and ours. */
    String problem() {
        for (Component c : Component.values()) {
            try {
                pid(c);
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    long pid(Component c) {
        Path file = home.resolve("run").resolve(c.binary + ".pid");
        long pid;
        try {
            pid = Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("no " + file + ": is the control plane of K8S_HOME=" + home + " up?");
        }
        List<String> cmd = commandLine(pid);
        if (cmd.isEmpty() || !Path.of(cmd.get(0)).getFileName().toString().equals(c.binary)) {
            throw new IllegalStateException(c.binary + " (pid " + pid + " in " + file + ") is not running");
        }
        String port = String.valueOf(c == Component.ETCD ? etcdPort : apiPort);
        if (c != Component.CONTROLLER_MANAGER
                && cmd.stream().noneMatch(a -> a.contains(":" + port) || a.endsWith("=" + port))) {
            throw new IllegalStateException(c.binary + " (pid " + pid + ") does not serve port " + port
                    + ": K8S_HOME, API_PORT and ETCD_PORT must name the same control plane");
        }
        return pid;
    }

    static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            if (raw.length == 0) return List.of();
            String all = new String(raw, StandardCharsets.UTF_8);
            return Arrays.asList(all.substring(0, all.length() - 1).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Sends a signal (KILL, TERM, STOP, CONT) to one of the processes. */
    void signal(Component c, String signal) {
        Signals.send(pid(c), signal);
    }

    /**
     * Stops the process (SIGKILL, or SIGTERM and a wait) and returns its command line, to start it again
     * with {@link #start}.
     */
    List<String> stop(Component c, boolean kill) {
        long pid = pid(c);
        List<String> cmd = commandLine(pid);
        Signals.send(pid, kill ? "KILL" : "TERM");
        await(c.binary + " (pid " + pid + ") gone")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        return cmd;
    }

    /** Starts the process again with this command line, records its PID for down.sh, waits until it serves. */
    void start(Component c, List<String> commandLine) {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(commandLine);
        Path log = home.resolve("logs").resolve(c.binary + ".log");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
            // setsid execs the binary in the same process (the JVM's child leads no process group)
            await(c.binary + " started as pid " + p.pid())
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !commandLine(p.pid()).isEmpty()
                            && commandLine(p.pid()).get(0).endsWith(c.binary));
            Files.writeString(home.resolve("run").resolve(c.binary + ".pid"), p.pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + c.binary, e);
        }
        awaitServing(c, Duration.ofSeconds(90));
    }

    /** Waits until etcd answers /health, or the API server /readyz. */
    void awaitServing(Component c, Duration atMost) {
        if (c == Component.CONTROLLER_MANAGER) return;
        await(c.binary + " serving")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> c == Component.ETCD ? etcdHealthy() : apiReady());
    }

    boolean etcdHealthy() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + etcdPort + "/health"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 && r.body().contains("\"true\"");
    }

    /** /readyz through curl with the admin certificate (the JDK client would need a key store). */
    boolean apiReady() throws IOException, InterruptedException {
        Process curl = new ProcessBuilder(
                        "curl",
                        "-sf",
                        "--max-time",
                        "2",
                        "--cacert",
                        pki("ca.crt").toString(),
                        "--cert",
                        pki("admin.crt").toString(),
                        "--key",
                        pki("admin.key").toString(),
                        "https://127.0.0.1:" + apiPort + "/readyz")
                .redirectErrorStream(true)
                .start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return curl.waitFor(5, TimeUnit.SECONDS) && curl.exitValue() == 0 && out.equals("ok");
    }

    /** etcd's current revision (its v3 JSON gateway), the resourceVersion of whatever was written last. */
    long etcdRevision() {
        String body = etcd("/v3/kv/range", "{\"key\":\"AA==\",\"limit\":1}");
        Matcher m = Pattern.compile("\"revision\":\"(\\d+)\"").matcher(body);
        if (!m.find()) throw new IllegalStateException("no revision in etcd's answer: " + body);
        return Long.parseLong(m.group(1));
    }

    /** Compacts etcd's history up to its current revision: a watch from an older revision is answered 410 Gone. */
    long compactEtcd() {
        long revision = etcdRevision();
        etcd("/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
        return revision;
    }

    private String etcd(String path, String json) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + etcdPort + path))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("etcd " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "control plane of K8S_HOME=" + home + " (API port " + apiPort + ", etcd port " + etcdPort + ")";
    }
}
