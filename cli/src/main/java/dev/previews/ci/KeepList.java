package dev.previews.ci;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The branches `prune` keeps, read from text: one branch per line, or the output of
 * `git ls-remote --heads origin` (`<sha><TAB>refs/heads/<branch>`). Blank lines and lines starting
 * with # are skipped; refs other than branches (tags, pull requests) are ignored. Pure function.
 */
final class KeepList {
    private KeepList() {}

    static Set<String> parse(String text) {
        Set<String> branches = new LinkedHashSet<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] fields = line.split("\\s+");
            String ref = fields.length >= 2 && fields[0].matches("^[0-9a-fA-F]{7,64}$") ? fields[1] : line;
            if (ref.startsWith("refs/heads/")) {
                branches.add(ref.substring("refs/heads/".length()));
            } else if (!ref.startsWith("refs/") && !ref.equals("HEAD")) {
                branches.add(ref);
            }
        }
        return branches;
    }
}
