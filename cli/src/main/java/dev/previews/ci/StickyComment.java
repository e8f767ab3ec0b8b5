package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one pull-request comment of a preview: found again by a hidden marker at its start (every
 * page of the pull request's comments is read), updated in place, posted only when there is none.
 */
final class StickyComment {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GitHubApi api;
    private final String repository;
    private final int pullRequest;
    private final String marker;
    private Long id;

    StickyComment(GitHubApi api, String owner, String repo, int pullRequest, String namespace, String name) {
        this.api = api;
        this.repository = "/repos/" + owner + "/" + repo;
        this.pullRequest = pullRequest;
        this.marker = marker(namespace, name);
    }

    /** The hidden first line that tells this preview's comment from every other: one comment per namespace and name. */
    static String marker(String namespace, String name) {
        return "<!-- preview-operator: preview " + namespace + "/" + name + " -->";
    }

    /** Updates the comment (PATCH), or posts it (POST) when the pull request has none yet. */
    void upsert(String markdown) throws GitHubException {
        String body = marker + "\n" + markdown;
        if (id == null) id = find();
        if (id != null) {
            api.patch(
                    repository + "/issues/comments/" + id,
                    JSON.createObjectNode().put("body", body));
        } else {
            JsonNode created = api.post(
                    repository + "/issues/" + pullRequest + "/comments",
                    JSON.createObjectNode().put("body", body));
            if (created.path("id").canConvertToLong()) id = created.get("id").asLong();
        }
    }

    /** Updates the comment when there is one; posts nothing. Whether there was one. */
    boolean updateIfPresent(String markdown) throws GitHubException {
        if (id == null) id = find();
        if (id == null) return false;
        upsert(markdown);
        return true;
    }

    /** GET /repos/{owner}/{repo}/issues/{n}/comments, every page: the oldest comment starting with the marker. */
    private Long find() throws GitHubException {
        for (JsonNode c : api.getAll(repository + "/issues/" + pullRequest + "/comments?per_page=100")) {
            if (c.path("body").asText("").startsWith(marker) && c.path("id").canConvertToLong()) {
                return c.get("id").asLong();
            }
        }
        return null;
    }
}
