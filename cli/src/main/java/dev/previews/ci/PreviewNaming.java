package dev.previews.ci;

import dev.previews.spec.PreviewNames;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The name of a branch's PreviewDeployment. The operator names the preview's Service after it, so
 * it must be a DNS-1035 label: at most 63 characters of a-z, 0-9 and '-', starting with a letter
 * and not ending with '-'. Pure function.
 *
 * <p>A branch that already is such a name is its own name ({@code main}, {@code login-form}).
 * Any other branch is lower-cased, every run of other characters becomes one '-', a leading digit
 * gets the prefix {@code b-}, the result is cut to 54 characters, and {@code -} plus the first 8
 * hex digits of the SHA-256 of the branch is appended: {@code feature/Login} becomes
 * {@code feature-login-<hash>}. Names that end in {@code -<8 hex digits>} are always hashed, so a
 * branch named like another branch's derived name still gets a name of its own: two distinct
 * branches get two distinct names (short of a 32-bit hash collision between branches that also
 * agree on the first 54 characters of their mapping).
 */
public final class PreviewNaming {
    private PreviewNaming() {}

    public static final int HASH_LENGTH = 8;
    private static final int MAX_HEAD = PreviewNames.MAX_NAME_LENGTH - 1 - HASH_LENGTH;
    private static final Pattern HASHED = Pattern.compile("-[0-9a-f]{" + HASH_LENGTH + "}$");

    public static String nameFor(String branch) {
        if (PreviewNames.problemWithPreviewName(branch).isEmpty()
                && !HASHED.matcher(branch).find()) {
            return branch;
        }
        StringBuilder sb = new StringBuilder();
        for (char c : branch.toLowerCase(Locale.ROOT).toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (ok) {
                sb.append(c);
            } else if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '-') {
                sb.append('-');
            }
        }
        String head = trimDashes(sb.toString());
        if (head.isEmpty()) {
            head = "branch";
        } else if (head.charAt(0) < 'a') {
            head = "b-" + head;
        }
        if (head.length() > MAX_HEAD) {
            head = trimDashes(head.substring(0, MAX_HEAD));
        }
        return head + "-" + PreviewNames.shortHash(branch, HASH_LENGTH);
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') start++;
        while (end > start && s.charAt(end - 1) == '-') end--;
        return s.substring(start, end);
    }
}
