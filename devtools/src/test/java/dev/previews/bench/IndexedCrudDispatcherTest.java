package dev.previews.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The benchmark's mock API answers watches as a real API server does. */
class IndexedCrudDispatcherTest {
    @Test
    void watchFromAResourceVersionGetsOnlyLaterChanges() throws Exception {
        try (BenchApi api = new BenchApi(false)) {
            KubernetesClient client = api.driver();
            create(client, "before");
            String listed = client.configMaps()
                    .inNamespace("default")
                    .list()
                    .getMetadata()
                    .getResourceVersion();
            ConfigMap after = create(client, "after");

            // from the list's resourceVersion: the object created since, then live changes, nothing older
            Events fromList = new Events();
            try (Watch w = client.configMaps()
                    .inNamespace("default")
                    .withResourceVersion(listed)
                    .watch(fromList)) {
                assertThat(fromList.next()).isEqualTo("ADDED after");
                after.getData().put("k", "changed");
                client.configMaps().inNamespace("default").resource(after).update();
                assertThat(fromList.next()).isEqualTo("MODIFIED after");
                client.configMaps().inNamespace("default").withName("before").delete();
                assertThat(fromList.next()).isEqualTo("DELETED before");
                assertThat(fromList.none()).isTrue();
            }

            // from the current resourceVersion: nothing until something changes
            String now = client.configMaps()
                    .inNamespace("default")
                    .list()
                    .getMetadata()
                    .getResourceVersion();
            Events fromNow = new Events();
            try (Watch w = client.configMaps()
                    .inNamespace("default")
                    .withResourceVersion(now)
                    .watch(fromNow)) {
                assertThat(fromNow.none()).isTrue();
                create(client, "later");
                assertThat(fromNow.next()).isEqualTo("ADDED later");
            }

            // without a resourceVersion: every object first, as ADDED
            Events initial = new Events();
            try (Watch w = client.configMaps().inNamespace("default").watch(initial)) {
                assertThat(List.of(initial.next(), initial.next()))
                        .containsExactlyInAnyOrder("ADDED after", "ADDED later");
                assertThat(initial.none()).isTrue();
            }
        }
    }

    @Test
    void aWatchEventIsTheStoredObjectInTheStockDispatchersEnvelope() {
        String stored =
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"default\","
                        + "\"resourceVersion\":\"7\"},\"data\":{\"k\":\"v\"}}";
        var stock = new WatchEvent(Serialization.unmarshal(stored, GenericKubernetesResource.class), "MODIFIED");
        var ours =
                Serialization.unmarshal(IndexedCrudDispatcher.event(Watcher.Action.MODIFIED, stored), WatchEvent.class);
        assertThat(ours.getType()).isEqualTo("MODIFIED");
        assertThat(Serialization.asJson(ours.getObject())).isEqualTo(Serialization.asJson(stock.getObject()));
    }

    @Test
    void listsAnswerAsTheStockDispatcher() throws Exception {
        try (BenchApi indexed = new BenchApi(false);
                BenchApi stock = new BenchApi(true)) {
            for (BenchApi api : List.of(indexed, stock)) {
                KubernetesClient client = api.driver();
                api.createNamespaces(List.of("b", "a"));
                for (String ns : List.of("b", "a")) {
                    for (String name : List.of("y", "x")) {
                        client.configMaps()
                                .inNamespace(ns)
                                .resource(new ConfigMapBuilder()
                                        .withNewMetadata()
                                        .withName(name)
                                        .withNamespace(ns)
                                        .addToLabels("keep", name.equals("x") ? "yes" : "no")
                                        .endMetadata()
                                        .build())
                                .create();
                    }
                }
                client.configMaps().inNamespace("a").withName("y").delete();
            }
            for (String what : List.of("all", "namespace", "label")) {
                var lists = List.of(indexed, stock).stream()
                        .map(api -> {
                            var configMaps = api.driver().configMaps();
                            var list = switch (what) {
                                case "all" -> configMaps.inAnyNamespace().list();
                                case "namespace" -> configMaps.inNamespace("b").list();
                                default ->
                                    configMaps
                                            .inAnyNamespace()
                                            .withLabel("keep", "yes")
                                            .list();
                            };
                            return list;
                        })
                        .toList();
                var names = lists.stream()
                        .map(l -> l.getItems().stream()
                                .map(c -> c.getMetadata().getNamespace() + "/"
                                        + c.getMetadata().getName())
                                .sorted()
                                .toList())
                        .toList();
                assertThat(names.get(0)).as(what).isEqualTo(names.get(1)).isNotEmpty();
                // sorted by namespace and name, as from a real API server
                assertThat(lists.get(0).getItems().stream()
                                .map(c -> c.getMetadata().getNamespace() + "/"
                                        + c.getMetadata().getName()))
                        .as(what)
                        .isSorted();
                assertThat(lists.get(0).getMetadata().getResourceVersion())
                        .as(what)
                        .isEqualTo(lists.get(1).getMetadata().getResourceVersion());
            }
            assertThat(indexed.driver()
                            .apps()
                            .deployments()
                            .inAnyNamespace()
                            .list()
                            .getItems())
                    .isEmpty();
            assertThat(indexed.driver().namespaces().list().getItems())
                    .extracting(n -> n.getMetadata().getName())
                    .containsExactlyInAnyOrder("a", "b");
        }
    }

    private static ConfigMap create(KubernetesClient client, String name) {
        return client.configMaps()
                .inNamespace("default")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace("default")
                        .endMetadata()
                        .addToData("k", "v")
                        .build())
                .create();
    }

    private static final class Events implements Watcher<ConfigMap> {
        private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

        @Override
        public void eventReceived(Action action, ConfigMap resource) {
            seen.add(action + " " + resource.getMetadata().getName());
        }

        @Override
        public void onClose(WatcherException cause) {}

        String next() throws InterruptedException {
            String e = seen.poll(5, TimeUnit.SECONDS);
            assertThat(e).as("a watch event").isNotNull();
            return e;
        }

        boolean none() throws InterruptedException {
            String e = seen.poll(300, TimeUnit.MILLISECONDS);
            assertThat(e).as("no more watch events").isNull();
            return true;
        }
    }
}
