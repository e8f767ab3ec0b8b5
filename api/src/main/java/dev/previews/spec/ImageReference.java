package dev.previews.spec;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validation of container image references, after the grammar of the distribution project. Pure. */
public final class ImageReference {
    private ImageReference() {}

    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?";
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String NAME = "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private static final Pattern REFERENCE = Pattern.compile("^" + NAME + "(?::" + TAG + ")?(?:@" + DIGEST + ")?$");

    /** A first component without '.', ':' or "localhost" is part of the repository, which is lower case. */
    private static boolean upperCaseRepository(String reference) {
        int slash = reference.indexOf('/');
        if (slash < 0) return false;
        String first = reference.substring(0, slash);
        boolean domain = first.contains(".") || first.contains(":") || first.equals("localhost");
        return !domain && !first.equals(first.toLowerCase(Locale.ROOT));
    }

    /** Empty when the reference is valid, else what is wrong with it. */
    public static Optional<String> problem(String field, String reference) {
        if (reference.length() > 512) {
            return Optional.of(field + ": image reference is longer than 512 characters");
        }
        if (!REFERENCE.matcher(reference).matches() || upperCaseRepository(reference)) {
            return Optional.of(field + ": '" + reference
                    + "' is not a valid image reference (expected [registry/]name[:tag][@digest], name in lower case)");
        }
        return Optional.empty();
    }
}
