package dev.previews.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * The preview's last activity: when, and the values it saw then, so that a change of any of them is
 * the next activity. Activity is a new commit, a change of spec.ttl, a new value of the wake or the
 * reseed annotation; a preview sleeps after its plan's sleepAfter without one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ActivityStatus {
    @JsonPropertyDescription("When the last activity was seen (RFC 3339).")
    private String at;

    @JsonPropertyDescription("spec.ttl at the last activity.")
    private String ttl;

    @JsonPropertyDescription("The previews.dev/wake annotation at the last activity.")
    private String wake;

    @JsonPropertyDescription("The previews.dev/reseed annotation at the last activity.")
    private String reseed;

    public ActivityStatus() {}

    public ActivityStatus(String at, String ttl, String wake, String reseed) {
        this.at = at;
        this.ttl = ttl;
        this.wake = wake;
        this.reseed = reseed;
    }

    public String getAt() {
        return at;
    }

    public void setAt(String at) {
        this.at = at;
    }

    public String getTtl() {
        return ttl;
    }

    public void setTtl(String ttl) {
        this.ttl = ttl;
    }

    public String getWake() {
        return wake;
    }

    public void setWake(String wake) {
        this.wake = wake;
    }

    public String getReseed() {
        return reseed;
    }

    public void setReseed(String reseed) {
        this.reseed = reseed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivityStatus a
                && Objects.equals(at, a.at)
                && Objects.equals(ttl, a.ttl)
                && Objects.equals(wake, a.wake)
                && Objects.equals(reseed, a.reseed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(at, ttl, wake, reseed);
    }
}
