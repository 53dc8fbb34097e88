package dev.thaw.inject;

import tools.jackson.databind.JsonNode;
import dev.thaw.Json;
import dev.thaw.testing.HostileUser;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import dev.thaw.testing.ThawServerProcess;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The injection lifecycle against hostile or unlucky conditions, through the real server jar: a
 * FIFO where the status goes (the call returns, the server answers, stdin EOF and SIGTERM still
 * end it), two servers injecting into one process at once, and a server killed while a script is
 * armed (the script never runs).
 */
class HostileLifecycleIT {

    private static final String VERSION = "3.14";
    private static final String BUSY = PythonProgram.of("python/inject/beat_and_sleep_loop.py").text();
    private static final String FIFO_SCRIPT = """
            import glob, os, time
            d = [p for t in ('/dev/shm', '/tmp', '/var/tmp') for p in glob.glob(t + '/thaw-inj-*-' + injection_id)][0]
            os.mkfifo(d + '/fifo')
            os.replace(d + '/fifo', d + '/status.json')
            time.sleep(60)
            """;

    /** {@code thaw serve} spoken to line by line, so that the test decides when stdin ends. */
    private static final class RawServer implements AutoCloseable {
        final Process process;
        final OutputStream in;
        final LinkedBlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
        int nextId = 1;

        RawServer(Path state) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", ThawServerProcess.jar().toString(), "serve", "--approve", "auto")
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("XDG_STATE_HOME", state.toString());
            process = pb.start();
            in = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        try {
                            replies.add(Json.mapper().readTree(line));
                        } catch (RuntimeException e) {
                            // not JSON: the test notices the missing reply
                        }
                    }
                } catch (IOException ignored) {
                    // ended
                }
            }, "raw-server-reader");
            reader.setDaemon(true);
            reader.start();
            send(Map.of("jsonrpc", "2.0", "id", nextId++, "method", "initialize", "params", Map.of(
                    "protocolVersion", "2025-06-18", "capabilities", Map.of(),
                    "clientInfo", Map.of("name", "hostile-it", "version", "1"))));
            assertThat(reply(1, Duration.ofSeconds(60))).isNotNull();
            send(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
        }

        int call(String tool, Map<String, Object> args) throws IOException {
            int id = nextId++;
            send(Map.of("jsonrpc", "2.0", "id", id, "method", "tools/call", "params", Map.of("name", tool, "arguments", args)));
            return id;
        }

        void send(Map<String, Object> message) throws IOException {
            in.write((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        JsonNode reply(int id, Duration wait) throws InterruptedException {
            long end = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < end) {
                JsonNode n = replies.poll(100, TimeUnit.MILLISECONDS);
                if (n != null && n.has("id") && n.get("id").asInt() == id) {
                    return n;
                }
            }
            return null;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void aFifoInPlaceOfTheStatusHangsNeitherTheCallNorTheServersEnd() throws Exception {
        Path state = Files.createTempDirectory("thaw-hostile-it");
        try (TestPythons.Target t = TestPythons.start(HostileUser.inSid("/usr/bin/python" + VERSION, "-c", BUSY), Map.of());
             RawServer server = new RawServer(state)) {
            int id = server.call("inject_script", Map.of("pid", t.pid(), "code", FIFO_SCRIPT, "timeout_s", 60));
            JsonNode r = server.reply(id, Duration.ofSeconds(40));
            assertThat(r).as("the call returns").isNotNull();
            JsonNode sc = r.path("result").path("structuredContent");
            assertThat(sc.path("state").asString()).as(r.toString()).isEqualTo("failed");
            assertThat(sc.path("errorType").asString()).as(r.toString()).isEqualTo("tampered");
            int ping = server.nextId++;
            server.send(Map.of("jsonrpc", "2.0", "id", ping, "method", "ping"));
            assertThat(server.reply(ping, Duration.ofSeconds(10))).as("still serving").isNotNull();
            // A second FIFO, then stdin ends while that call is still in flight: the server exits.
            server.call("inject_script", Map.of("pid", t.pid(), "code", FIFO_SCRIPT.replace("time.sleep(60)",
                    "time.sleep(0.2)\nos.mkfifo(d + '/f2')\nos.replace(d + '/f2', d + '/output.part')\ntime.sleep(60)"),
                    "timeout_s", 60));
            Thread.sleep(300);
            server.in.close();
            assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).as("stdin EOF ends the server").isTrue();
        }
        try (TestPythons.Target t = TestPythons.start(HostileUser.inSid("/usr/bin/python" + VERSION, "-c", BUSY), Map.of());
             RawServer server = new RawServer(state)) {
            // A script that runs for a minute, the call waiting on it: SIGTERM must not wait.
            server.call("inject_script", Map.of("pid", t.pid(), "code", "import time\ntime.sleep(60)", "timeout_s", 60));
            server.call("inject_script", Map.of("pid", t.pid(), "code", FIFO_SCRIPT, "timeout_s", 60));
            Thread.sleep(1500);
            new ProcessBuilder("kill", "-TERM", Long.toString(server.process.pid())).start().waitFor();
            assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).as("SIGTERM ends the server").isTrue();
        } finally {
            try (Stream<Path> walk = Files.walk(state)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void twoServersInjectingIntoOneProcessEachGetTheirOwnResult() throws Exception {
        try (TestPythons.Target t = TestPythons.start(VERSION, BUSY);
             ThawServerProcess a = ThawServerProcess.start("--approve", "auto");
             ThawServerProcess b = ThawServerProcess.start("--approve", "auto")) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<String>> calls = new ArrayList<>();
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 100; i++) {
                ThawServerProcess server = i % 2 == 0 ? a : b;
                String token = "token-" + i + "-" + ThreadLocalRandom.current().nextInt(1 << 30);
                String mode = i % 4 < 2 ? "thread" : "inline";
                calls.add(pool.submit(() -> {
                    McpSchema.CallToolResult r = server.call("inject_script", Map.of("pid", t.pid(),
                            "code", "import sys\nprint(" + Json.write(token) + ")\nsys.stdout.flush()", "mode", mode,
                            "timeout_s", 60));
                    JsonNode sc = Json.mapper().valueToTree(r.structuredContent());
                    String got = sc.path("state").asString() + " " + sc.path("output").asString();
                    if (!got.equals("completed " + token + "\n")) {
                        wrong.add(mode + " " + token + " -> " + sc);
                    }
                    return got;
                }));
            }
            for (Future<String> f : calls) {
                f.get(10, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertThat(wrong).as("every call completed with its own output").isEmpty();
            assertThat(t.drain()).as("nothing leaked into the application's stdout").noneMatch(l -> l.startsWith("token-"));
        }
    }

    @Test
    void aScriptArmedByAServerThatWasKilledNeverRuns() throws Exception {
        Path state = Files.createTempDirectory("thaw-armed-it");
        String marker = "/tmp/thaw-ran-" + ThreadLocalRandom.current().nextInt(1 << 30);
        // The target gets a /tmp and /dev/shm of its own (a mount namespace with private tmpfs
        // mounts): other thaw processes on this machine sweep the shared sid root, and a sweep of an
        // older thaw would remove the dead server's directory before the armed thread wakes.
        String sid = TestPythons.SID_ROOT.toString();
        try (TestPythons.Target t = TestPythons.start(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o mode=1777 thaw-it " + sid + "/tmp && mount -t tmpfs -o mode=1777 thaw-it " + sid
                        + "/dev/shm && exec /usr/sbin/chroot " + sid + " /usr/bin/python" + VERSION + " -c \"$0\"", """
                import time
                print('ready', flush=True)
                time.sleep(12)
                print('woke', flush=True)
                time.sleep(60)
                """), Map.of())) {
            Path root = Path.of("/proc", Integer.toString(t.pid()), "root");
            Path markerInTarget = root.resolve(marker.substring(1));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", ThawServerProcess.jar().toString(), "inject", Integer.toString(t.pid()), "--thread", "main",
                    "--code", "open(" + Json.write(marker) + ", 'w').write('ran')", "--timeout", "60")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("XDG_STATE_HOME", state.toString());
            Process thaw = pb.start();
            String owner = "thaw-inj-" + thaw.pid() + ".";
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            boolean armed = false;
            while (!armed && System.nanoTime() < deadline) {
                armed = !dirsOf(root, owner).isEmpty();
                Thread.sleep(20);
            }
            assertThat(armed).as("the injection's directory appeared (handed over, then armed)").isTrue();
            Thread.sleep(1000); // armed by now; the main thread still sleeps
            thaw.destroyForcibly(); // SIGKILL: no shutdown hook, nothing taken back
            assertThat(thaw.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(t.nextLine(Duration.ofSeconds(30))).isEqualTo("woke");
            Thread.sleep(1000); // the pending call ran at the wake-up
            assertThat(markerInTarget).as("the armed script ran although its server was dead").doesNotExist();
            // The bootstrap removed the directory itself: no server is left to do it.
            assertThat(dirsOf(root, owner)).as("the directory of the dead server's injection").isEmpty();
            assertThat(t.process().isAlive()).isTrue();
            assertThat(t.stderr()).isEmpty();
        } finally {
            try (Stream<Path> walk = Files.walk(state)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<String> dirsOf(Path root, String prefix) {
        return Stream.of("dev/shm", "tmp", "var/tmp").map(root::resolve).flatMap(d -> {
            try (Stream<Path> s = Files.list(d)) {
                return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList().stream();
            } catch (IOException e) {
                return Stream.empty();
            }
        }).toList();
    }
}
