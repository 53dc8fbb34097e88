package dev.thaw.python;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.thaw.snapshot.Snapshot;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A snapshot's JSON validates against the published schema and reads back equal. */
public final class SnapshotSchemaCheck {

    private SnapshotSchemaCheck() {
    }

    public static void assertValidJson(Snapshot s) throws Exception {
        Schema schema;
        try (InputStream in = SnapshotSchemaCheck.class.getResourceAsStream("/schemas/snapshot.schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        JsonMapper mapper = JsonMapper.builder().build();
        JsonNode json = mapper.valueToTree(s);
        assertThat(schema.validate(json)).as(json.toPrettyString()).isEmpty();
        assertThat(mapper.treeToValue(json, Snapshot.class)).isEqualTo(s);
    }
}
