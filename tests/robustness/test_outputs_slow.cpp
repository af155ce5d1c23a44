// Kills at times spread over whole runs (issue 17): simulate and export killed with SIGKILL at
// many moments leave the previous or the new result whole every time (after the next run has
// undone a swap interrupted between its renames). Slow: dozens of runs.
#include <chrono>

#include "robustness/output_checks.h"

namespace ntm::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

TEST(OutputsSlow, SimulateKilledAtManyMomentsLeavesTheOldOrTheNewResultWhole) {
    TempDir dir("kill-sim-times");
    const auto a = simulate_reference(dir, 1), b = simulate_reference(dir, 2);
    ASSERT_NE(a, b);
    const std::string out = dir / "out";
    const fs::path result = fs::path(out) / "baseline";
    // How long a whole run takes here, so that the kills spread over all of it.
    const auto t0 = Clock::now();
    ASSERT_EQ(WEXITSTATUS(run_and_kill(simulate_args(out, 1), {})), 0);
    const auto whole = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
    int old_seen = 0, new_seen = 0;
    const int kills = 20;
    for (int i = 1; i <= kills; ++i) {
        fs::remove_all(out);
        ASSERT_EQ(WEXITSTATUS(run_and_kill(simulate_args(out, 1), {})), 0);
        const auto at = whole * i / kills + whole / 10;
        run_and_kill(simulate_args(out, 2), at);
        // A run into the folder undoes an interrupted swap (then refuses: the result exists).
        sh(ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) + " --draws 5 -o " +
                  quote(out)));
        const auto now = tree(result);
        EXPECT_TRUE(now == a || now == b) << "killed after " << at.count() << " µs";
        old_seen += now == a;
        new_seen += now == b;
    }
    // Both sides of the swap were hit.
    EXPECT_GT(old_seen, 0);
    EXPECT_GT(new_seen, 0);
}

TEST(OutputsSlow, ExportKilledAtManyMomentsLeavesTheOldOrTheNewOutputWhole) {
    TempDir dir("kill-export-times");
    simulate_two_seeds(dir);
    if (HasFatalFailure()) return;
    for (const std::string format : {"gpkg", "csv", "xlsx"}) {
        const std::string out = dir / ("out." + format);
        auto args = [&](int seed) {
            return std::vector<std::string>{
                kNtmsim,    "export", dir / ("r" + std::to_string(seed) + "/baseline"),
                "--format", format,   "--overwrite",
                "-o",       out};
        };
        ASSERT_EQ(WEXITSTATUS(run_and_kill(args(2), {})), 0);
        const auto b = tree(out);
        const auto t0 = Clock::now();
        ASSERT_EQ(WEXITSTATUS(run_and_kill(args(1), {})), 0);
        const auto whole = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
        const auto a = tree(out);
        ASSERT_NE(a, b);
        const int kills = 12;
        for (int i = 1; i <= kills; ++i) {
            ASSERT_EQ(WEXITSTATUS(run_and_kill(args(1), {})), 0);
            const auto at = whole * i / kills + whole / 10;
            run_and_kill(args(2), at);
            auto now = tree(out);
            if (format == "csv" && now.empty()) {
                // A folder killed between its renames: whole aside, and put back by the next run.
                EXPECT_EQ(tree(dir / (".ntmsim-old-out." + format)), a);
                continue;
            }
            EXPECT_TRUE(now == a || now == b) << format << " killed after " << at.count() << " µs";
        }
    }
}

}  // namespace
}  // namespace ntm::test
