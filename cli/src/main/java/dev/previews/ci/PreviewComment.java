package dev.previews.ci;

import dev.previews.spec.PreviewNames;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Markdown of a preview's pull-request comment: the URL, the commit, the phase, the expiry, why
 * it failed, and how to extend or delete it. A pure function of what is known.
 */
record PreviewComment(
        State state,
        String name,
        String namespace,
        String url,
        boolean urlInClusterOnly,
        String commit,
        String previewCommit,
        String phase,
        String expiresAt,
        String problem,
        String details,
        String runUrl,
        Instant at) {
    enum State {
        DEPLOYING,
        READY,
        FAILED,
        DELETED
    }

    private static final Pattern BACKTICKS = Pattern.compile("`+");

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### Preview ")
                .append(code(name))
                .append(": ")
                .append(headline())
                .append("\n\n");
        if (state == State.DELETED) {
            md.append("The preview was deleted; its URL no longer answers. A new push deploys it again.\n\n");
        } else {
            md.append("| | |\n| --- | --- |\n");
            row(
                    md,
                    "URL",
                    url == null
                            ? (state == State.DEPLOYING ? "not yet known" : "none: not provisioned")
                            : cell(url) + (urlInClusterOnly ? " (inside the cluster only)" : ""));
            row(md, "Commit", commitCell());
            row(md, "Phase", phase == null ? "Pending" : cell(phase));
            if (expiresAt != null) row(md, "Expires", cell(expiresAt));
            row(md, "Namespace", code(namespace));
            md.append('\n');
            if (state == State.FAILED) {
                md.append("**Why:** ")
                        .append(problem == null ? "see the job's log" : cell(problem))
                        .append("\n\n");
                if (details != null && !details.isBlank()) {
                    String fence = fence(details);
                    md.append("<details><summary>What the deploy said</summary>\n\n")
                            .append(fence)
                            .append("text\n")
                            .append(details.strip())
                            .append('\n')
                            .append(fence)
                            .append("\n</details>\n\n");
                }
            }
            md.append("Extend it: ")
                    .append(code("preview extend " + name + " -n " + namespace + " --by 2d"))
                    .append(" · delete it: ")
                    .append(code("preview delete " + name + " -n " + namespace))
                    .append("\n\n");
        }
        md.append("<sub>");
        md.append(runUrl == null ? "Updated by preview-operator" : "Updated by [this run](" + runUrl + ")");
        md.append(" at ").append(at.truncatedTo(ChronoUnit.SECONDS)).append("</sub>\n");
        return md.toString();
    }

    private String headline() {
        return switch (state) {
            case DEPLOYING -> "deploying " + code(PreviewNames.shortCommit(commit)) + "...";
            case READY -> "ready";
            case FAILED -> "failed";
            case DELETED -> "deleted";
        };
    }

    private String commitCell() {
        String shown = code(PreviewNames.shortCommit(commit));
        if (previewCommit != null && !previewCommit.equals(commit)) {
            shown += " (the preview runs " + code(PreviewNames.shortCommit(previewCommit)) + ")";
        }
        return shown;
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    /** Text for a table cell: one line, pipes escaped. */
    static String cell(String text) {
        return text.strip().replaceAll("\\s*\\n\\s*", " ").replace("|", "\\|");
    }

    /** A code span that survives backticks in the text. */
    static String code(String text) {
        String t = text.replace("\n", " ").replace("|", "\\|");
        int longest = longestBackticks(t);
        String ticks = "`".repeat(longest + 1);
        String pad = longest > 0 ? " " : "";
        return ticks + pad + t + pad + ticks;
    }

    /** A code fence longer than any run of backticks in the text. */
    private static String fence(String text) {
        return "`".repeat(Math.max(3, longestBackticks(text) + 1));
    }

    private static int longestBackticks(String text) {
        int longest = 0;
        Matcher m = BACKTICKS.matcher(text);
        while (m.find()) longest = Math.max(longest, m.group().length());
        return longest;
    }
}
