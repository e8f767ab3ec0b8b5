package dev.previews.packaging;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Kubernetes RBAC authorization as the API server evaluates it (union of the rules of the
 * ClusterRoleBindings, and of the RoleBindings in the request's namespace, that name the subject),
 * over a set of manifests, for one ServiceAccount.
 */
public final class Rbac {
    /** One API request, as the authorizer sees it. {@code namespace} null: cluster-scoped or across all namespaces. */
    public record Request(String verb, String group, String resource, String namespace, String name) {
        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (name == null ? "" : "/" + name)
                    + (namespace == null ? " (cluster)" : " in " + namespace);
        }
    }

    private final List<ClusterRole> clusterRoles;
    private final List<ClusterRoleBinding> clusterRoleBindings;
    private final List<Role> roles;
    private final List<RoleBinding> roleBindings;
    private final String saNamespace;
    private final String saName;

    public Rbac(List<GenericKubernetesResource> objects, String saNamespace, String saName) {
        this.clusterRoles = Manifests.ofKind(objects, "ClusterRole").stream()
                .map(o -> Manifests.as(o, ClusterRole.class))
                .toList();
        this.clusterRoleBindings = Manifests.ofKind(objects, "ClusterRoleBinding").stream()
                .map(o -> Manifests.as(o, ClusterRoleBinding.class))
                .toList();
        this.roles = Manifests.ofKind(objects, "Role").stream()
                .map(o -> Manifests.as(o, Role.class))
                .toList();
        this.roleBindings = Manifests.ofKind(objects, "RoleBinding").stream()
                .map(o -> Manifests.as(o, RoleBinding.class))
                .toList();
        this.saNamespace = saNamespace;
        this.saName = saName;
    }

    /** Every rule that applies to the subject in this namespace (null: cluster-wide rules only). */
    public List<PolicyRule> rulesIn(String namespace) {
        List<PolicyRule> rules = new ArrayList<>();
        clusterRoleBindings.stream()
                .filter(b -> namesSubject(b.getSubjects()))
                .forEach(b -> rules.addAll(rulesOf(b.getRoleRef(), null)));
        if (namespace != null) {
            roleBindings.stream()
                    .filter(b -> namespace.equals(b.getMetadata().getNamespace()) && namesSubject(b.getSubjects()))
                    .forEach(b -> rules.addAll(rulesOf(b.getRoleRef(), namespace)));
        }
        return rules;
    }

    public boolean allows(Request r) {
        return rulesIn(r.namespace()).stream().anyMatch(rule -> matches(rule, r));
    }

    /** All (group, resource, verb) triples the rules grant anywhere, as "group/resource:verb". */
    public List<String> grants() {
        return Stream.concat(
                        clusterRoles.stream().flatMap(c -> c.getRules().stream()),
                        roles.stream().flatMap(c -> c.getRules().stream()))
                .flatMap(rule -> rule.getApiGroups().stream()
                        .flatMap(g -> rule.getResources().stream()
                                .flatMap(res -> rule.getVerbs().stream().map(v -> key(g, res, v)))))
                .distinct()
                .sorted()
                .toList();
    }

    public static String key(String group, String resource, String verb) {
        return (group.isEmpty() ? "core" : group) + "/" + resource + ":" + verb;
    }

    private List<PolicyRule> rulesOf(RoleRef ref, String bindingNamespace) {
        if ("ClusterRole".equals(ref.getKind())) {
            return clusterRoles.stream()
                    .filter(c -> ref.getName().equals(c.getMetadata().getName()))
                    .flatMap(c -> c.getRules().stream())
                    .toList();
        }
        return roles.stream()
                .filter(r -> ref.getName().equals(r.getMetadata().getName())
                        && Objects.equals(bindingNamespace, r.getMetadata().getNamespace()))
                .flatMap(r -> r.getRules().stream())
                .toList();
    }

    private boolean namesSubject(List<Subject> subjects) {
        return subjects != null
                && subjects.stream()
                        .anyMatch(s -> "ServiceAccount".equals(s.getKind())
                                && saName.equals(s.getName())
                                && saNamespace.equals(s.getNamespace()));
    }

    private static boolean matches(PolicyRule rule, Request r) {
        boolean names = rule.getResourceNames() == null
                || rule.getResourceNames().isEmpty()
                || (r.name() != null && rule.getResourceNames().contains(r.name()));
        return rule.getApiGroups().contains(r.group())
                && rule.getResources().contains(r.resource())
                && rule.getVerbs().contains(r.verb())
                && names;
    }
}
