package dev.aligned.report;

import java.util.Objects;

/**
 * An element the model has no field for, kept rather than dropped: an RFC 9990 extension or an unknown element.
 *
 * @param namespace the element's namespace URI ("" for none)
 * @param name the element's local name
 * @param xml the element re-serialised as a well-formed XML fragment (namespaces declared on it)
 */
public record Extension(String namespace, String name, String xml) {
    public Extension {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(xml, "xml");
    }
}
