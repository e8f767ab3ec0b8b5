package dev.previews.bench;

import dev.previews.simulator.MockApi;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.spi.VertxThreadFactory;
import java.lang.ref.Cleaner;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One in-process mock API for one benchmark phase: fabric8's mock server in CRUD mode on loopback,
 * behind the {@link RequestLog}, with the PreviewDeployment CRD installed. Clients made here say who
 * they are in their User-Agent, so that the log can tell the operator's requests from the simulator's
 * and the benchmark driver's.
 */
final class BenchApi implements AutoCloseable {
    static final String AGENT_PREFIX = "preview-bench/";
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final RequestLog log;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private final List<ClientThreads> threads = new ArrayList<>();
    /** The threads of released clients, stopped when their client is collected or at close. */
    private final List<ClientThreads> released = new ArrayList<>();

    private static final Cleaner CLEANER = Cleaner.create(Threads.named("bench-client-cleaner"));
    private final KubernetesClient driver;
    private final Thread drainer;
    private volatile boolean closing;

    private final KubernetesCrudDispatcher store;

    /** @param stock fabric8's dispatcher as it is, instead of the {@link IndexedCrudDispatcher} */
    BenchApi(boolean stock) {
        MOCK_LOG.setLevel(Level.WARNING);
        this.store = stock ? new KubernetesCrudDispatcher(List.of()) : new IndexedCrudDispatcher();
        this.log = new RequestLog(store);
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), log, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        // The mock server keeps every request it received in a queue until someone takes it; the log
        // above already counted them, so they are dropped here to keep the heap figures honest.
        this.drainer = new Thread(
                () -> {
                    while (!closing) {
                        try {
                            server.takeRequest(200, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            // the server is shutting down
                        }
                    }
                },
                "bench-request-drainer");
        drainer.setDaemon(true);
        drainer.start();
        this.driver = client("driver");
        MockApi.installCrd(server, driver);
    }

    RequestLog log() {
        return log;
    }

    KubernetesClient driver() {
        return driver;
    }

    /**
     * A new client of this API that the log counts as {@code name}. Its threads (the HTTP client's and
     * the informers') are named after it, so that the CPU they use can be told apart.
     */
    KubernetesClient client(String name) {
        ClientThreads own = ClientThreads.named("bench-client-" + name);
        KubernetesClient client =
                server.createClient(b -> b.withHttpClientFactory(new VertxHttpClientFactory(own.vertx()))
                        .withTaskExecutor(own.tasks())
                        .editOrNewConfig()
                        .withUserAgent(AGENT_PREFIX + name)
                        .endConfig());
        synchronized (clients) {
            clients.add(client);
            threads.add(own);
        }
        return client;
    }

    /**
     * Closes a client made here and forgets it, so that it can be collected; its threads stop once it
     * has been (or when this API closes).
     *
     * <p>Not at once: the server answers a websocket's close frame a few milliseconds after the client
     * closes its watches (informers). Stopped before those answers arrive, the client's threads drop
     * them; the watches then never end, and fabric8 keeps a fail-safe task for each (120 s) on its
     * static scheduler that holds the watch, hence the client.
     */
    void release(KubernetesClient client) {
        client.close();
        synchronized (clients) {
            int i = clients.indexOf(client);
            if (i >= 0) {
                clients.remove(i);
                ClientThreads own = threads.remove(i);
                released.add(own);
                // the action must not hold the client
                CLEANER.register(client, own::stop);
            }
        }
    }

    /**
     * A benchmark client's threads, named after it: its own vert.x instance (the HTTP client and the
     * watches, set up as fabric8 sets up the one it would make itself) and fabric8's task executor (the
     * informers' handlers). The mock API's vert.x threads keep vert.x's default names.
     */
    record ClientThreads(Vertx vertx, ExecutorService tasks) {
        static ClientThreads named(String prefix) {
            VertxOptions options = new VertxOptions()
                    .setUseDaemonThread(true)
                    .setFileSystemOptions(
                            new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false));
            VertxThreadFactory names = new VertxThreadFactory() {
                @Override
                public VertxThread newVertxThread(
                        Runnable target, String name, boolean worker, long maxExecTime, TimeUnit unit) {
                    return new VertxThread(target, prefix + "-" + name, worker, maxExecTime, unit);
                }
            };
            Vertx vertx = new VertxBuilder(options).threadFactory(names).init().vertx();
            return new ClientThreads(vertx, Executors.newCachedThreadPool(Threads.named(prefix + "-tasks")));
        }

        void stop() {
            tasks.shutdownNow();
            vertx.close();
        }
    }

    void createNamespaces(List<String> names) {
        for (String ns : names) {
            driver.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(ns)
                            .endMetadata()
                            .build())
                    .create();
        }
    }

    /**
     * The mock's own speed with nothing else running: mean microseconds of a GET by name, and of an
     * update (PUT), of one ConfigMap, each done {@code rounds} times in a row by one client.
     */
    Map<String, Object> probe(int rounds) {
        KubernetesClient c = client("probe");
        ConfigMap cm = c.configMaps()
                .inNamespace("default")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("bench-probe")
                        .withNamespace("default")
                        .endMetadata()
                        .addToData("k", "v")
                        .build())
                .create();
        for (int i = 0; i < Math.min(rounds, 20); i++) { // warm the path
            c.configMaps().inNamespace("default").withName("bench-probe").get();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            c.configMaps().inNamespace("default").withName("bench-probe").get();
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            cm.getData().put("k", Integer.toString(i));
            cm = c.configMaps().inNamespace("default").resource(cm).update();
        }
        long t2 = System.nanoTime();
        c.configMaps().inNamespace("default").withName("bench-probe").delete();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("storedObjects", log.storedObjects());
        out.put("getMicros", (t1 - t0) / 1000.0 / rounds);
        out.put("updateMicros", (t2 - t1) / 1000.0 / rounds);
        return out;
    }

    /**
     * The dispatchers' own speed, without HTTP: mean microseconds of a GET of one preview by name, and
     * of the lookup every POST, PUT and PATCH makes, on this store, and on a copy of it in fabric8's
     * stock dispatcher and in the indexed one.
     */
    Map<String, Object> dispatcherSpeed(String namespace, String name, int rounds) {
        KubernetesCrudDispatcher stock = new KubernetesCrudDispatcher(List.of());
        IndexedCrudDispatcher indexed = new IndexedCrudDispatcher();
        String path = "/apis/previews.dev/v1alpha1/namespaces/" + namespace + "/previewdeployments/" + name;
        synchronized (store.getMap()) {
            store.getMap().forEach((k, v) -> {
                stock.getMap().put(k, v);
                indexed.processEvent(path, k, null, null, v);
            });
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("storedObjects", stock.getMap().size());
        for (var d : List.of(
                Map.entry("stock", (KubernetesCrudDispatcher) stock),
                Map.entry("indexed", (KubernetesCrudDispatcher) indexed))) {
            var request = new RecordedRequest(
                    "HTTP/1.1", HttpMethod.GET, path, Headers.builder().build(), new Buffer());
            var query = d.getValue().getKey(path);
            if (d.getValue().dispatch(request).code() != 200 || d.getValue().findResource(query) == null) {
                throw new IllegalStateException(
                        "dispatcher probe: " + path + " not found in the " + d.getKey() + " copy");
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) d.getValue().dispatch(request);
            long t1 = System.nanoTime();
            for (int i = 0; i < rounds; i++) d.getValue().findResource(query);
            long t2 = System.nanoTime();
            out.put(d.getKey() + "GetMicros", (t1 - t0) / 1000.0 / rounds);
            out.put(d.getKey() + "LookupMicros", (t2 - t1) / 1000.0 / rounds);
        }
        return out;
    }

    @Override
    public void close() {
        closing = true;
        synchronized (clients) {
            clients.forEach(KubernetesClient::close);
            clients.clear();
            threads.forEach(ClientThreads::stop);
            threads.clear();
            released.forEach(ClientThreads::stop);
            released.clear();
        }
        server.destroy();
        drainer.interrupt();
        try {
            drainer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
