package dev.previews.faults;

import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a team's CI does to previews while the faults happen: a burst of previews with seeds (some on a
 * branch another preview holds already), then, until stopped, commits pushed, previews deleted,
 * previews created and reseeds asked for, at random (a seeded Random: the seed is in the report).
 * A request that fails (the API server is down) is counted and not repeated: the previews are what
 * the API server has at the end, whatever the load managed to do.
 */
final class Load {
    private static final Logger log = LoggerFactory.getLogger(Load.class);

    private final KubernetesClient client;
    private final List<String> namespaces;
    private final long seed;
    private final Random random;
    private final Map<String, List<String>> present = new ConcurrentHashMap<>();
    private final Map<String, List<String>> branches = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;
    private int next;
    private final String prefix;

    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger deleted = new AtomicInteger();
    final AtomicInteger reseeded = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    Load(KubernetesClient client, List<String> namespaces, long seed) {
        this(client, namespaces, seed, "pr-");
    }

    /** A load whose previews' names start with this prefix: several loads can work on the same namespaces. */
    Load(KubernetesClient client, List<String> namespaces, long seed, String prefix) {
        this.prefix = prefix;
        this.client = client;
        this.namespaces = namespaces;
        this.seed = seed;
        this.random = new Random(seed);
        namespaces.forEach(ns -> {
            present.put(ns, new ArrayList<>());
            branches.put(ns, new ArrayList<>());
        });
    }

    long seed() {
        return seed;
    }

    /** Creates this many previews in every namespace, round robin, as fast as the API server takes them. */
    void burst(int perNamespace) {
        for (int i = 0; i < perNamespace; i++) {
            for (String ns : namespaces) create(ns);
        }
    }

    /** Random operations, one every {@code pause} on average, on another thread until {@link #stop}. */
    void churn(Duration pause) {
        running.set(true);
        thread = new Thread(
                () -> {
                    while (running.get()) {
                        step();
                        sleep((long) (pause.toMillis() * (0.5 + random.nextDouble())));
                    }
                },
                "load-" + prefix);
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running.set(false);
        if (thread != null) {
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One operation on a random namespace; the population stays between 8 and 16 previews a namespace. */
    private synchronized void step() {
        String ns = namespaces.get(random.nextInt(namespaces.size()));
        List<String> names = present.get(ns);
        double r = random.nextDouble();
        if (names.size() < 8 || (names.size() < 16 && r < 0.25)) {
            create(ns);
        } else if (r < 0.45 || names.size() >= 16) {
            delete(ns, names.get(random.nextInt(names.size())));
        } else if (r < 0.85) {
            push(ns, names.get(random.nextInt(names.size())));
        } else {
            reseed(ns, names.get(random.nextInt(names.size())));
        }
    }

    /**
     * Creates one more preview in the namespace for a measurement, which the load then leaves alone (no
     * commit, no deletion); its name, or null when refused.
     */
    synchronized String createOne(String ns) {
        return create(ns, false);
    }

    private String create(String ns) {
        return create(ns, true);
    }

    private synchronized String create(String ns, boolean churned) {
        String name = prefix + (next++);
        List<String> taken = branches.get(ns);
        // one in six takes a branch another preview was created for: BranchConflict until that one goes
        String branch = !taken.isEmpty() && random.nextInt(6) == 0
                ? taken.get(random.nextInt(taken.size()))
                : "feature/f" + next;
        PreviewDeployment p = Previews.withSeed(Previews.preview(ns, name, branch));
        p.getSpec().setCommit(commit());
        if (attempt("create " + ns + "/" + name, () -> client.resource(p).create())) {
            created.incrementAndGet();
            if (churned) present.get(ns).add(name);
            taken.add(branch);
            return name;
        }
        return null;
    }

    private void delete(String ns, String name) {
        if (attempt(
                "delete " + ns + "/" + name,
                () -> client.resources(PreviewDeployment.class)
                        .inNamespace(ns)
                        .withName(name)
                        .delete())) {
            deleted.incrementAndGet();
            present.get(ns).remove(name);
        }
    }

    private void push(String ns, String name) {
        String patch = "{\"spec\":{\"commit\":\"" + commit() + "\"}}";
        if (attempt("push to " + ns + "/" + name, () -> patch(ns, name, patch))) commits.incrementAndGet();
    }

    private void reseed(String ns, String name) {
        String patch = "{\"metadata\":{\"annotations\":{\"" + PreviewDeployment.RESEED_ANNOTATION + "\":\""
                + random.nextInt(1_000_000) + "\"}}}";
        if (attempt("reseed " + ns + "/" + name, () -> patch(ns, name, patch))) reseeded.incrementAndGet();
    }

    private Object patch(String ns, String name, String json) {
        return client.resources(PreviewDeployment.class)
                .inNamespace(ns)
                .withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    private boolean attempt(String what, Runnable request) {
        try {
            request.run();
            return true;
        } catch (KubernetesClientException e) {
            failed.incrementAndGet();
            log.info("load: {} failed: {}", what, e.getMessage());
            return false;
        }
    }

    private String commit() {
        byte[] bytes = new byte[20];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The previews the load believes exist, per namespace. */
    Map<String, List<String>> present() {
        return present;
    }

    String summary() {
        return created + " previews created, " + commits + " commits pushed, " + deleted + " previews deleted, "
                + reseeded + " reseeds, " + failed + " requests refused or unanswered (random seed " + seed + ")";
    }
}
