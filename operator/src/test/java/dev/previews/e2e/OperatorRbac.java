package dev.previews.e2e;

import dev.previews.packaging.ChartRendering;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The RBAC the tier runs the operator with: what the Helm chart renders with its default values
 * (helm-java's template of {@code helm/preview-operator}): the ServiceAccount, the ClusterRole and
 * its binding, and the Role for the leader-election Lease. So the tier tests what users install, and a
 * permission missing from (or added to) the chart shows up here.
 */
public final class OperatorRbac {
    private static final Set<String> KINDS =
            Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

    private final List<HasMetadata> objects;

    private OperatorRbac(List<HasMetadata> objects) {
        this.objects = objects;
    }

    /** The RBAC objects to install (ServiceAccount, ClusterRole(s), ClusterRoleBinding(s)). */
    public static OperatorRbac load(KubernetesClient client) {
        var json = client.getKubernetesSerialization();
        List<HasMetadata> objects = new ArrayList<>();
        for (var rendered : ChartRendering.render()) {
            if (KINDS.contains(rendered.getKind())) {
                objects.add(json.unmarshal(json.asJson(rendered)));
            }
        }
        return new OperatorRbac(objects);
    }

    /** Creates or updates the objects, and the namespaces they live in when missing; the fault tier too. */
    public void install(KubernetesClient admin) {
        for (HasMetadata object : objects) {
            String ns = object.getMetadata().getNamespace();
            if (ns != null && admin.namespaces().withName(ns).get() == null) {
                admin.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .endMetadata()
                                .build())
                        .create();
            }
            admin.resource(object).createOr(NonDeletingOperation::update);
        }
    }

    public List<HasMetadata> objects() {
        return objects;
    }

    public ServiceAccount serviceAccount() {
        return objects.stream()
                .filter(ServiceAccount.class::isInstance)
                .map(ServiceAccount.class::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the operator's RBAC has no ServiceAccount"));
    }

    /** Every (group, resource, verb) the ClusterRoles grant, as "group/resource verb" ("" is the core group). */
    public Set<String> grants() {
        Set<String> grants = new TreeSet<>();
        objects.stream()
                .filter(ClusterRole.class::isInstance)
                .map(ClusterRole.class::cast)
                .flatMap(r -> r.getRules().stream())
                .forEach(rule -> expand(rule, grants));
        objects.stream()
                .filter(Role.class::isInstance)
                .map(Role.class::cast)
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
