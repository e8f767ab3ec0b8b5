package dev.previews.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A plan's defaults for every preview's pods, and how they merge under what the preview says itself.
 * The preview wins: a variable of {@code env} by its name, an {@code envFrom} source by its kind, name
 * and prefix, an image pull secret by its name, a request or limit by its resource name. A default
 * the preview also names is left out; the others come first, in their order, then the preview's own
 * list as it wrote it (so a preview's variable may refer to a default one with {@code $(NAME)}, and a
 * preview's {@code envFrom} source comes after the defaults' and wins over them for a key both have).
 * A default request above the preview's own limit, or a default limit below the preview's own
 * request, is left out too: the preview's values stand, and the defaults never make them invalid.
 * Without defaults every merge returns the preview's own value unchanged. Pure functions.
 *
 * @param env variables of the backend and seed containers
 * @param envFrom ConfigMap and Secret sources of the backend and seed containers
 * @param imagePullSecrets of the backend and seed pods
 * @param resources of the backend container
 * @param seedResources of the seed container
 */
public record PodDefaults(
        List<EnvVar> env,
        List<EnvFromSource> envFrom,
        List<LocalObjectReference> imagePullSecrets,
        ResourceRequirements resources,
        ResourceRequirements seedResources) {

    public static final PodDefaults NONE = new PodDefaults(List.of(), List.of(), List.of(), null, null);

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    public PodDefaults {
        env = List.copyOf(Objects.requireNonNullElse(env, List.of()));
        envFrom = List.copyOf(Objects.requireNonNullElse(envFrom, List.of()));
        imagePullSecrets = List.copyOf(Objects.requireNonNullElse(imagePullSecrets, List.of()));
    }

    /**
     * The container's variables: the defaults the container does not have already (neither in
     * {@code own} nor among {@code taken}, the variables the operator sets), then {@code own}.
     */
    public List<EnvVar> env(List<EnvVar> own, Collection<String> taken) {
        Set<String> names = new HashSet<>(taken);
        nonNull(own).forEach(v -> names.add(v.getName()));
        return under(env, own, v -> names.contains(v.getName()));
    }

    /** The container's ConfigMap and Secret sources: the defaults' the preview does not name, then its own. */
    public List<EnvFromSource> envFrom(List<EnvFromSource> own) {
        Set<String> sources = new HashSet<>();
        nonNull(own).forEach(s -> sources.add(source(s)));
        return under(envFrom, own, s -> sources.contains(source(s)));
    }

    /** The pod's image pull secrets: the defaults' the preview does not name, then its own. */
    public List<LocalObjectReference> imagePullSecrets(List<LocalObjectReference> own) {
        Set<String> names = new HashSet<>();
        nonNull(own).forEach(r -> names.add(r.getName()));
        return under(imagePullSecrets, own, r -> names.contains(r.getName()));
    }

    /** The backend container's resources: the preview's requests and limits over the defaults'. */
    public ResourceRequirements resources(ResourceRequirements own) {
        return merged(resources, own);
    }

    /** The seed container's resources: the preview's {@code seed.resources} over the defaults'. */
    public ResourceRequirements seedResources(ResourceRequirements own) {
        return merged(seedResources, own);
    }

    /**
     * A short stable name of these defaults: what a child built from them must name among what it is
     * made from, so that a change of the defaults reaches a child verified before it.
     */
    public String key() {
        if (equals(NONE)) return "none";
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("env", env);
        canonical.put("envFrom", envFrom);
        canonical.put("imagePullSecrets", imagePullSecrets);
        canonical.put("resources", resources);
        canonical.put("seedResources", seedResources);
        try {
            return PreviewNames.shortHash(CANONICAL.writeValueAsString(canonical), 12);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("defaults always serialize", e);
        }
    }

    /** What identifies an envFrom source: its kind, name and prefix (not whether it is optional). */
    static String source(EnvFromSource s) {
        String kind = s.getConfigMapRef() != null ? "ConfigMap" : s.getSecretRef() != null ? "Secret" : "";
        String name = s.getConfigMapRef() != null
                ? s.getConfigMapRef().getName()
                : s.getSecretRef() != null ? s.getSecretRef().getName() : "";
        return kind + "/" + name + "/" + Objects.requireNonNullElse(s.getPrefix(), "");
    }

    private static <T> List<T> under(List<T> defaults, List<T> own, Function<T, Boolean> ownHas) {
        if (defaults.isEmpty()) return own;
        List<T> out = new ArrayList<>();
        for (T d : defaults) {
            if (!ownHas.apply(d)) out.add(d);
        }
        out.addAll(nonNull(own));
        return out;
    }

    private static ResourceRequirements merged(ResourceRequirements defaults, ResourceRequirements own) {
        if (defaults == null || (isEmpty(defaults.getRequests()) && isEmpty(defaults.getLimits()))) return own;
        Map<String, Quantity> ownRequests = nonNull(own == null ? null : own.getRequests());
        Map<String, Quantity> ownLimits = nonNull(own == null ? null : own.getLimits());
        Map<String, Quantity> requests = new LinkedHashMap<>();
        nonNull(defaults.getRequests()).forEach((name, q) -> {
            Quantity limit = ownLimits.get(name);
            if (!ownRequests.containsKey(name) && !exceeds(q, limit)) {
                requests.put(name, q);
            }
        });
        requests.putAll(ownRequests);
        Map<String, Quantity> limits = new LinkedHashMap<>();
        nonNull(defaults.getLimits()).forEach((name, q) -> {
            Quantity request = requests.get(name);
            if (!ownLimits.containsKey(name) && !exceeds(request, q)) {
                limits.put(name, q);
            }
        });
        limits.putAll(ownLimits);
        ResourceRequirementsBuilder out = new ResourceRequirementsBuilder()
                .withRequests(requests.isEmpty() ? null : requests)
                .withLimits(limits.isEmpty() ? null : limits);
        if (own != null && !isEmpty(own.getClaims())) out.withClaims(own.getClaims());
        return out.build();
    }

    /**
     * Whether a request is more than a limit. A quantity that does not parse compares as nothing: the API
     * server refuses the preview's own, and says which.
     */
    private static boolean exceeds(Quantity request, Quantity limit) {
        if (request == null || limit == null) return false;
        try {
            return request.getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0;
        } catch (RuntimeException notAQuantity) {
            return false;
        }
    }

    private static boolean isEmpty(Map<?, ?> map) {
        return map == null || map.isEmpty();
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> nonNull(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
