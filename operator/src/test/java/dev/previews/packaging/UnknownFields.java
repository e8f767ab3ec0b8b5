package dev.previews.packaging;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds fields the Kubernetes API does not know in a typed fabric8 model object (fabric8 keeps them
 * in additionalProperties): typos such as "readinesProbe" that a strict API server rejects and a
 * lenient one drops silently.
 */
final class UnknownFields {
    private UnknownFields() {}

    static List<String> in(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object o, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) return;
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) walk(item, path + "[" + i++ + "]", found, seen);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, found, seen));
            return;
        }
        if (!(o instanceof KubernetesResource)) return;
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) continue;
            Object value;
            try {
                value = getter.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            String name = Character.toLowerCase(getter.getName().charAt(3))
                    + getter.getName().substring(4);
            if (name.equals("additionalProperties") && value instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> found.add(path + "." + k));
            } else {
                walk(value, path + "." + name, found, seen);
            }
        }
    }
}
