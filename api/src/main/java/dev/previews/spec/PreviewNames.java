package dev.previews.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/** Names and labels of everything the operator creates for a preview. Pure functions. */
public final class PreviewNames {
    private PreviewNames() {}

    public static final String MANAGED_BY = "preview-operator";
    public static final String LABEL_NAME = "app.kubernetes.io/name";
    public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String LABEL_COMMIT = "previews.dev/commit";
    public static final String LABEL_SEED_FINGERPRINT = "previews.dev/seed-fingerprint";
    public static final String ANNOTATION_CREATED_AT = "previews.dev/created-at";
    public static final String BACKEND_COMPONENT = "preview-backend";
    public static final String SEED_COMPONENT = "preview-seed";
    /** The label selector that matches exactly what this operator created. */
    public static final String MANAGED_SELECTOR = LABEL_MANAGED_BY + "=" + MANAGED_BY;

    /** Longest name a Service (and a label value) can have. */
    public static final int MAX_NAME_LENGTH = 63;

    private static final Pattern DNS_1035_LABEL = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");

    public static String shortCommit(String commit) {
        return commit == null ? null : commit.substring(0, Math.min(7, commit.length()));
    }

    /**
     * The preview's name is used for its Deployment, Service and Ingress, so it must be a valid
     * Service name: a DNS-1035 label of at most 63 characters.
     */
    public static Optional<String> problemWithPreviewName(String name) {
        if (name.length() > MAX_NAME_LENGTH) {
            return Optional.of("metadata.name '" + name
                    + "' is longer than 63 characters, the limit for the Service named after it");
        }
        if (!DNS_1035_LABEL.matcher(name).matches()) {
            return Optional.of("metadata.name '" + name
                    + "' is not a valid Service name (lower-case letters, digits and '-', starting with a letter)");
        }
        return Optional.empty();
    }

    /**
     * The seed Job's name: the preview name (shortened to fit), the short commit and a fingerprint of
     * the seed run (commit, seed container, reseed value), so one run has exactly one name.
     */
    public static String seedJobName(String preview, String commit, String fingerprint) {
        String suffix = "-seed-" + shortCommit(commit) + "-" + fingerprint;
        String head = preview.substring(0, Math.min(preview.length(), MAX_NAME_LENGTH - suffix.length()));
        while (head.endsWith("-")) {
            head = head.substring(0, head.length() - 1);
        }
        return head + suffix;
    }

    /**
     * The name of one commit's own backend (a BlueGreen Deployment and its Service): the preview name,
     * shortened to fit a Service name, and the short commit.
     */
    public static String commitName(String preview, String commit) {
        String suffix = "-" + shortCommit(commit);
        String head = preview.substring(0, Math.min(preview.length(), MAX_NAME_LENGTH - suffix.length()));
        while (head.endsWith("-")) {
            head = head.substring(0, head.length() - 1);
        }
        return head + suffix;
    }

    /** In-cluster URL of the preview's Service (port 80). */
    public static String serviceUrl(String name, String namespace) {
        return "http://" + name + "." + namespace + ".svc.cluster.local";
    }

    /** A short, stable hex digest of the given text (first {@code length} hex digits of SHA-256). */
    public static String shortHash(String text, int length) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
