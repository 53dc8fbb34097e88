package dev.thaw.mcp;

import dev.thaw.Json;
import dev.thaw.testing.ThawServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code thaw serve} (the real jar) fed raw lines on stdin: each malformed line is answered with the
 * JSON-RPC error the specification gives, and the next valid request is still answered.
 */
class MalformedInputIT {

    private Process server;
    private OutputStream stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private int nextId = 100;

    @BeforeEach
    void start() throws Exception {
        Path state = Files.createTempDirectory("thaw-malformed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", ThawServerProcess.jar().toString(), "serve")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("XDG_STATE_HOME", state.toString());
        server = pb.start();
        stdin = server.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    stdout.add(line);
                }
            } catch (IOException ignored) {
                // the server ended
            }
        }, "malformed-it-stdout");
        reader.setDaemon(true);
        reader.start();
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"malformed-it\",\"version\":\"1\"}}}");
        assertThat(next().path("result").path("serverInfo").path("name").asString()).isEqualTo("thaw");
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    @AfterEach
    void stop() throws Exception {
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void notJsonIsAParseErrorWithIdNull() throws Exception {
        for (String line : List.of("{not json}", "", "   ", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"", "\u0000\u0001")) {
            send(line);
            JsonNode reply = next();
            assertThat(reply.path("error").path("code").asInt()).as(line).isEqualTo(-32700);
            assertThat(reply.get("id").isNull()).as(line).isTrue();
            assertStillServing();
        }
    }

    @Test
    void nonObjectsAreInvalidRequestsWithIdNull() throws Exception {
        for (String line : List.of("3", "\"ping\"", "null", "true")) {
            send(line);
            JsonNode reply = next();
            assertThat(reply.path("error").path("code").asInt()).as(line).isEqualTo(-32600);
            assertThat(reply.get("id").isNull()).as(line).isTrue();
            assertStillServing();
        }
    }

    @Test
    void messagesWithoutAValidShapeAreInvalidRequestsWithTheirIdWhenKnown() throws Exception {
        record Case(String line, Object id) {
        }
        for (Case c : List.of(
                new Case("{\"jsonrpc\":\"2.0\",\"id\":5}", 5),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"params\":{}}", "abc"),
                new Case("{\"id\":6,\"method\":\"ping\"}", 6),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":42}", 7),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", null),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", null),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", null),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\",\"params\":\"x\"}", 8),
                new Case("{\"jsonrpc\":\"2.0\",\"method\":7}", null),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":\"x\"}}", 9),
                new Case("{}", null))) {
            send(c.line());
            JsonNode reply = next();
            assertThat(reply.path("error").path("code").asInt()).as(c.line()).isEqualTo(-32600);
            if (c.id() == null) {
                assertThat(reply.get("id").isNull()).as(c.line()).isTrue();
            } else {
                assertThat(Json.mapper().treeToValue(reply.get("id"), Object.class)).as(c.line()).isEqualTo(c.id());
            }
            assertStillServing();
        }
    }

    @Test
    void batchesAreRefusedElementByElement() throws Exception {
        send("[]");
        JsonNode empty = next();
        assertThat(empty.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(empty.get("id").isNull()).isTrue();
        assertStillServing();

        send("[{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},1]");
        JsonNode batch = next();
        assertThat(batch.isArray()).isTrue();
        assertThat(batch.size()).as("the notification gets no answer").isEqualTo(2);
        assertThat(batch.get(0).path("id").asInt()).isEqualTo(11);
        assertThat(batch.get(0).path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(batch.get(1).get("id").isNull()).isTrue();
        assertStillServing();
    }

    @Test
    void aCarriageReturnLineEndingAndWhitespaceAreStillOneMessage() throws Exception {
        send("{\"jsonrpc\":\"2.0\",\r\"id\":12,\"method\":\"ping\"}\r");
        JsonNode reply = next();
        assertThat(reply.path("id").asInt()).isEqualTo(12);
        assertThat(reply.has("result")).isTrue();
    }

    private void assertStillServing() throws Exception {
        int id = nextId++;
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}");
        JsonNode reply = next();
        assertThat(reply.path("id").asInt()).isEqualTo(id);
        assertThat(reply.path("result").path("tools").isArray()).isTrue();
    }

    private void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private JsonNode next() throws Exception {
        String line = stdout.poll(60, TimeUnit.SECONDS);
        assertThat(line).as("an answer on stdout (server alive: %s)", server.isAlive()).isNotNull();
        return Json.mapper().readTree(line);
    }
}
