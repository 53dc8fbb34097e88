package dev.thaw.catalog;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks the parameters of a catalog diagnostic against its schema (the JSON Schema validator the MCP
 * SDK brings) and fills in the schema's defaults, so the script always sees every parameter it declares.
 */
public final class CatalogParams {

    private CatalogParams() {
    }

    /** The parameters the entry runs with; refuses (naming the problem and the schema) when they do not fit. */
    public static Map<String, Object> resolve(CatalogEntry entry, Map<String, Object> given) {
        Map<String, Object> params = given == null ? Map.of() : given;
        JsonSchemaValidator.ValidationResponse check = McpJsonDefaults.getSchemaValidator().validate(entry.params(), params);
        if (!check.valid()) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "The params do not fit diagnostic " + entry.id() + ": "
                    + check.errorMessage().replaceFirst("^Validation failed: ", ""),
                    "Call again with params matching its schema: " + dev.thaw.Json.write(entry.params()) + ".");
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        if (entry.params().get("properties") instanceof Map<?, ?> props) {
            props.forEach((name, schema) -> {
                if (schema instanceof Map<?, ?> s && s.containsKey("default")) {
                    resolved.put(String.valueOf(name), s.get("default"));
                }
            });
        }
        resolved.putAll(params);
        return resolved;
    }
}
