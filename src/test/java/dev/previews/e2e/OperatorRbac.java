package dev.previews.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The RBAC the tier runs the operator with: a ServiceAccount, a ClusterRole and its binding. This
 * is the one place that says where it comes from. Today it is {@code src/test/resources/e2e/rbac.yaml},
 * written from the permissions README.md lists; once the Helm chart is merged, {@link #objects} should
 * return the chart's rendered RBAC (helm-java's template of {@code helm/preview-operator}) instead,
 * so that the tier tests what users install.
 */
public final class OperatorRbac {
  public static final String RESOURCE = "/e2e/rbac.yaml";
  public static final String NAMESPACE = "preview-operator-system";

  private final List<HasMetadata> objects;

  private OperatorRbac(List<HasMetadata> objects) {
    this.objects = objects;
  }

  /** The RBAC objects to install (ServiceAccount, ClusterRole(s), ClusterRoleBinding(s)). */
  public static OperatorRbac load(KubernetesClient client) {
    try (InputStream in = OperatorRbac.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the test classpath");
      return new OperatorRbac(new ArrayList<>(client.load(in).items()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<HasMetadata> objects() {
    return objects;
  }

  public ServiceAccount serviceAccount() {
    return objects.stream().filter(ServiceAccount.class::isInstance).map(ServiceAccount.class::cast).findFirst()
        .orElseThrow(() -> new IllegalStateException("the operator's RBAC has no ServiceAccount"));
  }

  /** Every (group, resource, verb) the ClusterRoles grant, as "group/resource verb" ("" is the core group). */
  public Set<String> grants() {
    Set<String> grants = new TreeSet<>();
    objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
        .flatMap(r -> r.getRules().stream())
        .forEach(rule -> expand(rule, grants));
    return grants;
  }

  private static void expand(PolicyRule rule, Set<String> into) {
    for (String group : rule.getApiGroups()) {
      for (String resource : rule.getResources()) {
        for (String verb : rule.getVerbs()) {
          into.add(OperatorRequests.permission(group, resource, verb));
        }
      }
    }
  }
}
