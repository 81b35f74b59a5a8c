package io.ggmljava.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AllocReportCommandTest {
    @Test
    void jsonHasTheDocumentedKeys() {
        String json = CliRun.stdout("alloc-report", "--json", "--only", "unet", "--repeat", "1");
        for (String key : new String[]{"\"graphs\"", "\"name\": \"unet_64px\"", "\"nodes\"", "\"plan_bytes\"",
                "\"lower_bound_bytes\"", "\"ratio\"", "\"plan_ms\"", "\"geomean_ratio\"", "\"worst_ratio\""}) {
            assertTrue(json.contains(key), key + " missing in " + json);
        }
        assertTrue(json.trim().startsWith("{") && json.trim().endsWith("}"), json);
    }

    @Test
    void theTableListsEveryGraphOfTheSelection() {
        String table = CliRun.stdout("alloc-report", "--planner", "dynamic", "--only", "lstm_h256_T100",
                "--repeat", "1");
        assertTrue(table.contains("lstm_h256_T100") && table.contains("geomean ratio"), table);
    }

    @Test
    void ggmlsPlannerGrowsTheLstmBufferByFiveKibPerStep() {
        // ANCHORS.md: ggml's compute buffer for the seed's LSTM is 502 KiB at T = 100 and grows 5.0 KiB per step
        for (int steps : new int[]{100, 200}) {
            AllocBenchmarks.Built b = AllocBenchmarks.lstm(256, 256, steps);
            long bytes = io.ggmljava.alloc.Planner.dynamic().plan(b.graph(), b.options()).computeBytes();
            assertEquals(steps * 5.02, bytes / 1024.0, steps * 0.05, "T=" + steps);
        }
    }

    @Test
    void theLstmHas19NodesPerStep() {
        // models.Lstm adds both biases (b_ih, b_hh) as PyTorch does: one node more than the seed's 18
        assertEquals(19 * 100, AllocBenchmarks.lstm(256, 256, 100).graph().nodeCount());
    }
}
