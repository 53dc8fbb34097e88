package dev.thaw.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ValidatedStdinTest {

    private final ByteArrayOutputStream answers = new ByteArrayOutputStream();

    private List<String> passed(String input, int maxLine) throws Exception {
        var in = new ValidatedStdin(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), answers,
                McpJsonDefaults.getMapper(), maxLine);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
    }

    private List<String> answered() {
        return answers.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void validMessagesPassUnchangedAndOthersAreAnsweredInOrder() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        String note = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
        String reply = "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":{}}";
        assertThat(passed(ping + "\n\n[]\n" + note + "\n{x\n" + reply, 1 << 20)).containsExactly(ping, note, reply);
        assertThat(answered()).hasSize(3);
        assertThat(answered().get(0)).contains("-32700");
        assertThat(answered().get(1)).contains("-32600");
        assertThat(answered().get(2)).contains("-32700");
    }

    @Test
    void aLineOverTheLimitIsDiscardedAndAnsweredWithoutBeingHeld() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";
        String huge = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"x\":\"" + "a".repeat(300_000) + "\"}}";
        assertThat(passed(huge + "\n" + ping + "\n", 100_000)).containsExactly(ping);
        assertThat(answered()).singleElement().asString().contains("-32600").contains("longer than 100000 bytes");
    }

    @Test
    void aCarriageReturnInsideTheLineBecomesASpace() throws Exception {
        assertThat(passed("{\"jsonrpc\":\"2.0\",\r\"id\":4,\"method\":\"ping\"}\r\n", 1 << 20))
                .containsExactly("{\"jsonrpc\":\"2.0\", \"id\":4,\"method\":\"ping\"}");
        assertThat(answered()).isEmpty();
    }

    @Test
    void requestsButInitializeWaitUntilTheServerIsReady() throws Exception {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}";
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        CompletableFuture<Void> ready = new CompletableFuture<>();
        var in = new ValidatedStdin(new ByteArrayInputStream((init + "\n" + list + "\n").getBytes(StandardCharsets.UTF_8)),
                answers, McpJsonDefaults.getMapper()).holdUntil(ready);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1);
        assertThat(reader.readLine()).isEqualTo(init);
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(300);
        assertThat(second).as("tools/list is held until the tools are registered").isNotDone();
        ready.complete(null);
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(list);
    }

    @Test
    void paramsAsAnArrayAreInvalidParams() throws Exception {
        assertThat(passed("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":[1]}\n", 1 << 20)).isEmpty();
        assertThat(answered()).singleElement().asString().contains("-32602").contains("\"id\":5");
    }
}
