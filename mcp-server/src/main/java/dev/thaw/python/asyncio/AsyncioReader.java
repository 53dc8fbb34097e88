package dev.thaw.python.asyncio;

import dev.thaw.python.PythonMemory;
import dev.thaw.snapshot.AsyncLoop;

import java.util.List;
import java.util.Map;

/** Placeholder until the task walk lands. */
public final class AsyncioReader {

    public record Result(Map<Long, AsyncLoop> byThread, List<String> notes) {
    }

    private final PythonMemory py;

    public AsyncioReader(PythonMemory py) {
        this.py = py;
    }

    public Result read() {
        return new Result(Map.of(), List.of());
    }
}
