package dev.previews.spec;

import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Expansion of {{placeholder}} templates in images and host names. Pure functions. */
public final class Placeholders {
    private Placeholders() {}

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z]*)\\s*}}");

    /** Thrown when a template names a placeholder that is not known, or has a stray brace. */
    public static final class UnresolvedPlaceholder extends Exception {
        public UnresolvedPlaceholder(String message) {
            super(message);
        }
    }

    /**
     * Replaces every {{name}} in the template by its value.
     *
     * @param field the field the template comes from, for the error message
     */
    public static String expand(String field, String template, Map<String, String> values)
            throws UnresolvedPlaceholder {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new UnresolvedPlaceholder(field + ": unknown placeholder '" + m.group() + "' in '" + template
                        + "'; known placeholders: " + known(values));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        String result = out.toString();
        if (result.contains("{{") || result.contains("}}")) {
            throw new UnresolvedPlaceholder(field + ": unbalanced braces in '" + template
                    + "'; placeholders are written {{name}}, known: " + known(values));
        }
        return result;
    }

    private static String known(Map<String, String> values) {
        return String.join(
                ", ",
                new TreeSet<>(values.keySet())
                        .stream().map(k -> "{{" + k + "}}").toList());
    }

    /** Values for image templates: {{branch}} becomes a valid image tag. */
    public static Map<String, String> forImage(String branch, String commit) {
        return Map.of("commit", commit, "shortCommit", PreviewNames.shortCommit(commit), "branch", tagSafe(branch));
    }

    /** Values for host templates: {{branch}} becomes a valid DNS label. */
    public static Map<String, String> forHost(String name, String namespace, String branch) {
        return Map.of("name", name, "namespace", namespace, "branch", dnsSafe(branch));
    }

    /** The branch as an image tag: [A-Za-z0-9_.-], not starting with '.' or '-', at most 128 characters. */
    public static String tagSafe(String branch) {
        String s = branch.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[.-]+", "");
        if (s.isEmpty()) {
            s = "branch-" + PreviewNames.shortHash(branch, 8);
        }
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    /** The branch as a DNS label: lower case, [a-z0-9-], no leading or trailing '-', at most 63 characters. */
    public static String dnsSafe(String branch) {
        String s =
                branch.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-");
        s = s.replaceAll("^-+", "");
        if (s.length() > 63) {
            s = s.substring(0, 63);
        }
        s = s.replaceAll("-+$", "");
        return s.isEmpty() ? "branch-" + PreviewNames.shortHash(branch, 8) : s;
    }
}
