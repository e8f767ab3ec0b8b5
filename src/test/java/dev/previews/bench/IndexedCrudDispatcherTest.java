package dev.previews.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
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
      String listed = client.configMaps().inNamespace("default").list().getMetadata().getResourceVersion();
      ConfigMap after = create(client, "after");

      // from the list's resourceVersion: the object created since, then live changes, nothing older
      Events fromList = new Events();
      try (Watch w = client.configMaps().inNamespace("default").withResourceVersion(listed).watch(fromList)) {
        assertThat(fromList.next()).isEqualTo("ADDED after");
        after.getData().put("k", "changed");
        client.configMaps().inNamespace("default").resource(after).update();
        assertThat(fromList.next()).isEqualTo("MODIFIED after");
        client.configMaps().inNamespace("default").withName("before").delete();
        assertThat(fromList.next()).isEqualTo("DELETED before");
        assertThat(fromList.none()).isTrue();
      }

      // from the current resourceVersion: nothing until something changes
      String now = client.configMaps().inNamespace("default").list().getMetadata().getResourceVersion();
      Events fromNow = new Events();
      try (Watch w = client.configMaps().inNamespace("default").withResourceVersion(now).watch(fromNow)) {
        assertThat(fromNow.none()).isTrue();
        create(client, "later");
        assertThat(fromNow.next()).isEqualTo("ADDED later");
      }

      // without a resourceVersion: every object first, as ADDED
      Events initial = new Events();
      try (Watch w = client.configMaps().inNamespace("default").watch(initial)) {
        assertThat(List.of(initial.next(), initial.next())).containsExactlyInAnyOrder("ADDED after", "ADDED later");
        assertThat(initial.none()).isTrue();
      }
    }
  }

  private static ConfigMap create(KubernetesClient client, String name) {
    return client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace("default").endMetadata().addToData("k", "v").build()).create();
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
