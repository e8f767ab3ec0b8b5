package dev.previews.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PreviewDeploymentSpec {
    @Required
    @Size(min = 1, max = 255)
    @ValidationRule(value = "self == oldSelf", message = "branch is immutable: create a new preview for another branch")
    @JsonPropertyDescription(
            "Git branch this preview is for. At most one live preview per branch per namespace. Immutable.")
    private String branch;

    @Required
    @Pattern("^[0-9a-f]{7,40}$")
    @JsonPropertyDescription(
            "Commit SHA to run (7-40 lowercase hex characters). Changing it replaces the running backend as spec.rollover says.")
    private String commit;

    @Required
    @JsonPropertyDescription("The backend container to run for this branch.")
    private BackendSpec backend;

    @JsonPropertyDescription(
            "Optional seed run as a Job once the backend is provisioned, once per commit. Absent: the preview counts as seeded.")
    private SeedSpec seed;

    @JsonPropertyDescription(
            "Secrets of type kubernetes.io/dockerconfigjson in the preview's namespace to pull the backend and seed images with. The operator passes the names on and never reads the Secrets.")
    private List<LocalObjectReference> imagePullSecrets;

    @Pattern("^([0-9]+[mhd])+$")
    @JsonPropertyDescription(
            "Optional time to live such as 90m, 36h or 3d, counted from the creation of the current deployment: up to the plan's maxTtl (default: the plan's ttl); longer is capped. Raising it extends the preview.")
    private String ttl;

    @JsonPropertyDescription(
            "Optional Ingress for the backend. Without it, a host is built from the operator's ingress.hostTemplate when one is configured.")
    private IngressSpec ingress;

    @JsonPropertyDescription(
            "How a new commit replaces the running backend: Recreate (delete, then create and seed the new one) or BlueGreen (start and seed the new one beside the old, then switch the Service). Unset: the plan's rollover, else Recreate. A change takes effect at the next commit.")
    private Rollover rollover;

    public String getBranch() {
        return branch;
    }

    public void setBranch(String branch) {
        this.branch = branch;
    }

    public String getCommit() {
        return commit;
    }

    public void setCommit(String commit) {
        this.commit = commit;
    }

    public BackendSpec getBackend() {
        return backend;
    }

    public void setBackend(BackendSpec backend) {
        this.backend = backend;
    }

    public SeedSpec getSeed() {
        return seed;
    }

    public void setSeed(SeedSpec seed) {
        this.seed = seed;
    }

    public List<LocalObjectReference> getImagePullSecrets() {
        return imagePullSecrets;
    }

    public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
        this.imagePullSecrets = imagePullSecrets;
    }

    public String getTtl() {
        return ttl;
    }

    public void setTtl(String ttl) {
        this.ttl = ttl;
    }

    public Rollover getRollover() {
        return rollover;
    }

    public void setRollover(Rollover rollover) {
        this.rollover = rollover;
    }

    public IngressSpec getIngress() {
        return ingress;
    }

    public void setIngress(IngressSpec ingress) {
        this.ingress = ingress;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreviewDeploymentSpec s
                && Objects.equals(branch, s.branch)
                && Objects.equals(commit, s.commit)
                && Objects.equals(backend, s.backend)
                && Objects.equals(seed, s.seed)
                && Objects.equals(imagePullSecrets, s.imagePullSecrets)
                && Objects.equals(ttl, s.ttl)
                && Objects.equals(ingress, s.ingress)
                && rollover == s.rollover;
    }

    @Override
    public int hashCode() {
        return Objects.hash(branch, commit, backend, seed, imagePullSecrets, ttl, ingress, rollover);
    }
}
