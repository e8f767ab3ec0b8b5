package dev.previews.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressSpec {
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9{}.-]+$")
    @JsonPropertyDescription(
            "Host name of the Ingress. Placeholders {{name}}, {{namespace}} and {{branch}} (made DNS-safe) are expanded.")
    private String host;

    @Size(min = 1, max = 253)
    @JsonPropertyDescription("IngressClass to use; the cluster's default class when empty.")
    private String className;

    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @Size(min = 1, max = 253)
    @JsonPropertyDescription(
            "Secret holding the TLS certificate for the host, in the preview's namespace. No TLS when empty.")
    private String tlsSecretName;

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public String getClassName() {
        return className;
    }

    public void setClassName(String className) {
        this.className = className;
    }

    public String getTlsSecretName() {
        return tlsSecretName;
    }

    public void setTlsSecretName(String tlsSecretName) {
        this.tlsSecretName = tlsSecretName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IngressSpec i
                && Objects.equals(host, i.host)
                && Objects.equals(className, i.className)
                && Objects.equals(tlsSecretName, i.tlsSecretName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, className, tlsSecretName);
    }
}
