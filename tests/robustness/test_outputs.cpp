// Nothing lost (issue 17): outputs named after user input stay where they belong, an output never
// destroys an input, a run killed at named points of the swap leaves the previous or the new
// result whole, two runs into one folder give one result and one clear error, and a full disk
// gives an error and no file that looks valid but is not. Each test drives the ntmsim program as
// a user would. Kills at times spread over whole runs: test_outputs_slow.cpp.
#include <sys/mount.h>

#include "robustness/output_checks.h"

namespace ntm::test {
namespace {

namespace fs = std::filesystem;

TEST(Outputs, AScenarioNamedDotDotYamlNeverTouchesTheFolderAbove) {
    test::TempDir dir("dots");
    fs::create_directories(dir / "keep/out");
    test::write_text(dir / "keep/precious.txt", "years of results");
    test::write_text(dir / "keep/out/also.txt", "more results");
    for (const char* name : {"...yaml", "..yaml"}) {
        fs::copy_file(baseline(), dir / name, fs::copy_options::overwrite_existing);
        const auto r = sh(ntmsim("simulate " + quote(canloc()) + " " + quote(dir / name) +
                                 " --draws 20 --overwrite -o " + quote(dir / "keep/out")));
        EXPECT_EQ(r.exit_code, 2) << name << ": " << r.out;
        EXPECT_NE(r.out.find("output name"), std::string::npos) << r.out;
        EXPECT_EQ(slurp(dir / "keep/precious.txt"), "years of results") << name;
        EXPECT_EQ(slurp(dir / "keep/out/also.txt"), "more results") << name;
    }
}

TEST(Outputs, AnOutputThatIsContainsOrLiesInsideAnInputIsRefusedBeforeReading) {
    test::TempDir dir("apart");
    ASSERT_EQ(sh(ntmsim("generate --communes 3 --seed 1 -o " + quote(dir / "A.gpkg"))).exit_code,
              0);
    const auto area = slurp(dir / "A.gpkg");
    // assess A.gpkg -o A.gpkg --overwrite used to replace the study area with the assessment.
    auto r = sh(ntmsim("assess " + quote(dir / "A.gpkg") +
                       " --criteria vn-2016 --year 2017 --overwrite -o " + quote(dir / "A.gpkg")));
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.out.find("is the input"), std::string::npos) << r.out;
    EXPECT_EQ(slurp(dir / "A.gpkg"), area);
    // export DIR -o DIR --overwrite used to lose results.gpkg and draws.bin.
    ASSERT_EQ(sh(ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) +
                        " --draws 20 -o " + quote(dir / "out")))
                  .exit_code,
              0);
    const auto before = tree(dir / "out/baseline");
    for (const std::string out : {dir / "out/baseline", dir / "out/baseline/inside", dir / "out"}) {
        r = sh(ntmsim("export " + quote(dir / "out/baseline") + " --format csv --overwrite -o " +
                      quote(out)));
        EXPECT_EQ(r.exit_code, 2) << out << ": " << r.out;
        EXPECT_EQ(tree(dir / "out/baseline"), before) << out;
    }
    // simulate into the area's own folder.
    r = sh(ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) +
                  " --draws 20 --overwrite -o " + quote(canloc())));
    EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST(Outputs, OverwriteNeverReplacesAFolderWithAFileNorTheReverse) {
    test::TempDir dir("kinds");
    fs::create_directories(dir / "folder.gpkg");
    test::write_text(dir / "folder.gpkg/keep.txt", "kept");
    const auto r =
        sh(ntmsim("generate --communes 3 --seed 1 --overwrite -o " + quote(dir / "folder.gpkg")));
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("is a folder"), std::string::npos) << r.out;
    EXPECT_EQ(slurp(dir / "folder.gpkg/keep.txt"), "kept");
}

TEST(Outputs, OutputErrorsAreClearAndComeBeforeTheWork) {
    test::TempDir dir("early");
    test::write_text(dir / "file", "x");
    // An output under a file, and in a read-only folder: exit 1 and a message naming it (not
    // "internal error").
    auto r = sh(ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) + " --draws 20 -o " +
                       quote(dir / "file/out")));
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_EQ(r.out.find("internal error"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("measuring"), std::string::npos)
        << "reported only after loading the area: " << r.out;
    if (::geteuid() != 0) {  // root writes anywhere
        fs::create_directories(dir / "ro");
        fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
        r = sh(ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) + " --draws 20 -o " +
                      quote(dir / "ro")));
        EXPECT_EQ(r.exit_code, 1) << r.out;
        fs::permissions(dir / "ro", fs::perms::owner_all);
    }
}

TEST(Outputs, SimulateKilledAtAnyPointLeavesTheOldOrTheNewResultWhole) {
    test::TempDir dir("kill-sim");
    const auto a = simulate_reference(dir, 1), b = simulate_reference(dir, 2);
    ASSERT_NE(a, b);
    const std::string out = dir / "out";
    const fs::path result = fs::path(out) / "baseline";
    const auto reset = [&] {
        fs::remove_all(out);
        ASSERT_EQ(WEXITSTATUS(run_and_kill(simulate_args(out, 1), {})), 0);
        ASSERT_EQ(tree(result), a);
    };
    // At the named points of the swap (core/output.h), including between the two renames.
    for (const char* point : {"staged", "aside", "swapped"}) {
        reset();
        const int status = run_and_kill(simulate_args(out, 2), {}, point);
        ASSERT_TRUE(WIFSIGNALED(status)) << point;
        const auto now = tree(result);
        if (std::string(point) == "aside") {
            // Between the renames the old result is whole aside, and the next run puts it back.
            EXPECT_TRUE(now.empty());
            EXPECT_EQ(tree(fs::path(out) / ".ntmsim-old-baseline"), a);
            const auto again = sh(ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) +
                                         " --draws 60 -o " + quote(out)));
            EXPECT_EQ(again.exit_code, 1) << again.out;  // restored, then "already exists"
            EXPECT_EQ(tree(result), a);
        } else {
            EXPECT_EQ(now, std::string(point) == "staged" ? a : b) << point;
        }
    }
}

TEST(Outputs, ExportKilledAtAnyPointLeavesTheOldOrTheNewFileWhole) {
    test::TempDir dir("kill-export");
    simulate_two_seeds(dir);
    if (HasFatalFailure()) return;
    for (const std::string format : {"gpkg", "csv"}) {
        const std::string out = dir / ("out." + format);
        auto args = [&](int seed) {
            return std::vector<std::string>{
                test::kNtmsim, "export", dir / ("r" + std::to_string(seed) + "/baseline"),
                "--format",    format,   "--overwrite",
                "-o",          out};
        };
        ASSERT_EQ(WEXITSTATUS(run_and_kill(args(2), {})), 0);
        const auto b = tree(out);
        ASSERT_EQ(WEXITSTATUS(run_and_kill(args(1), {})), 0);
        const auto a = tree(out);
        for (const char* point : {"staged", "aside", "swapped"}) {
            ASSERT_EQ(WEXITSTATUS(run_and_kill(args(1), {})), 0);
            run_and_kill(args(2), {}, point);
            ASSERT_EQ(WEXITSTATUS(run_and_kill(args(1), {})), 0)
                << "the next run after a kill at " << point;
            EXPECT_EQ(tree(out), a) << point;
        }
    }
}

TEST(Outputs, TwoRunsIntoOneFolderGiveOneWholeResultAndOneClearError) {
    test::TempDir dir("concurrent");
    const auto a = simulate_reference(dir, 1);
    const std::string out = dir / "out";
    for (int trial = 0; trial < 3; ++trial) {
        const std::string cmd =
            ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) +
                   " --draws 60 --threads 2 --seed 1 --overwrite -o " + quote(out));
        const auto r = sh("(" + cmd + " > " + quote(dir / "one.txt") + " 2>&1; echo $? > " +
                          quote(dir / "one.rc") + ") & (" + cmd + " > " + quote(dir / "two.txt") +
                          " 2>&1; echo $? > " + quote(dir / "two.rc") + ") & wait");
        const int one = std::stoi(slurp(dir / "one.rc")), two = std::stoi(slurp(dir / "two.rc"));
        EXPECT_EQ(one + two, 1) << "exit codes " << one << " and " << two;
        const std::string loser = slurp(dir / (one ? "one.txt" : "two.txt"));
        EXPECT_NE(loser.find("another ntmsim run is writing"), std::string::npos) << loser;
        EXPECT_EQ(tree(fs::path(out) / "baseline"), a) << "trial " << trial;
        EXPECT_TRUE(leftovers(out).empty());
    }
}

// A file system of `kb` kilobytes mounted at `dir` (root only; otherwise the test is skipped).
class SmallDisk {
 public:
    SmallDisk(const fs::path& dir, int kb) : m_dir(dir) {
        fs::create_directories(dir);
        const std::string opts = "size=" + std::to_string(kb) + "k";
        m_mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0;
    }
    ~SmallDisk() {
        if (m_mounted) ::umount(m_dir.c_str());
    }
    bool mounted() const { return m_mounted; }

 private:
    fs::path m_dir;
    bool m_mounted = false;
};

TEST(Outputs, AFullDiskGivesAClearErrorAndNoFileThatLooksValid) {
    test::TempDir dir("full");
    const std::string roads = std::string(test::kSourceDir) + "/scenarios/canloc/roads-first.yaml";
    ASSERT_EQ(sh(ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) + " " +
                        quote(roads) + " --draws 30 -o " + quote(dir / "r")))
                  .exit_code,
              0);
    const std::string results = dir / "r/baseline";
    // Each command's output, written once to a roomy place for reference, then on small disks.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"export " + quote(results) + " --format xlsx -o ", "out.xlsx"},
        {"export " + quote(results) + " --format geojson -o ", "out.geojson"},
        {"export " + quote(results) + " --format geojson -o ", "outdir"},
        {"export " + quote(results) + " --format gpkg -o ", "out.gpkg"},
        {"export " + quote(results) + " --format shp -o ", "out.shp"},
        {"export " + quote(results) + " --format csv -o ", "csvdir"},
        {"export " + quote(results) + " --format kml -o ", "out.kml"},
        {"export " + quote(results) + " --format tif -o ", "out.tif"},
        {"export " + quote(results) + " --format png -o ", "out.png"},
        {"export " + quote(results) + " --format html -o ", "out.html"},
        {"simulate " + quote(canloc()) + " " + quote(baseline()) + " --draws 30 -o ", "sim"},
        {"assess " + quote(canloc()) + " --criteria hatinh-2017 --year 2017 -o ", "a.gpkg"},
        {"generate --communes 5 --seed 3 -o ", "g.gpkg"},
        {"generate --communes 5 --seed 3 --format shp -o ", "gshp"},
        {"compare " + quote(results) + " " + quote(dir / "r/roads-first") + " -o ", "cmp"},
    };
    fs::create_directories(dir / "roomy");
    bool any_mount = false;
    for (const auto& [cmd, name] : cases) {
        const auto ok = sh(ntmsim(cmd + quote(dir / ("roomy/" + name))));
        ASSERT_EQ(ok.exit_code, 0) << cmd << name << ": " << ok.out;
        const auto reference = tree(dir / ("roomy/" + name));
        for (const int kb : {16, 200}) {
            const fs::path disk = dir / ("disk-" + std::to_string(kb));
            SmallDisk small(disk, kb);
            if (!small.mounted()) continue;
            any_mount = true;
            const auto r = sh(ntmsim(cmd + quote((disk / name).string())));
            const auto written = tree(disk / name);
            if (r.exit_code == 0) {
                // It fitted: then it is exactly what the roomy run wrote.
                EXPECT_EQ(written.size(), reference.size()) << cmd << name << " on " << kb << " kB";
                for (const auto& [leaf, bytes] : reference)
                    if (leaf.find(".html") == std::string::npos)
                        EXPECT_EQ(written.at(leaf).size(), bytes.size()) << leaf;
            } else {
                EXPECT_EQ(r.exit_code, 1) << cmd << name << " on " << kb << " kB: " << r.out;
                EXPECT_EQ(r.out.find("internal error"), std::string::npos) << r.out;
                EXPECT_TRUE(written.empty())
                    << cmd << name << " on " << kb << " kB left a partial output";
                EXPECT_TRUE(leftovers(disk).empty()) << cmd << name << " on " << kb << " kB";
            }
        }
    }
    if (!any_mount)
        GTEST_SKIP() << "mounting a small tmpfs needs root: the full-disk cases were not run";
}

}  // namespace
}  // namespace ntm::test
