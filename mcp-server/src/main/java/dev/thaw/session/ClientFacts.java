package dev.thaw.session;

/**
 * The MCP client as it introduced itself at initialize.
 *
 * @param name        clientInfo.name, or null when it sent none
 * @param version     clientInfo.version, or null
 * @param elicitation whether it declared the elicitation capability (needed to ask for approvals)
 */
public record ClientFacts(String name, String version, boolean elicitation) {

    public static ClientFacts unknown() {
        return new ClientFacts(null, null, false);
    }

    public String label() {
        return (name == null ? "an unnamed client" : name) + (version == null ? "" : " " + version);
    }
}
